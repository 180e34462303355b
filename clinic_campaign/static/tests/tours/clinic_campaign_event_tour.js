/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_campaign_event_tour", {
    steps: () => [
        {
            content: "Create a member event",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name=name] textarea",
            run: "edit 金卡沙龙 Tour salon",
        },
        {
            content: "Limit it to Gold members",
            trigger: ".o_field_widget[name=allowed_tier_ids] input",
            run: "edit Gold",
        },
        {
            content: "Pick the Gold tier",
            trigger: ".o-autocomplete--dropdown-item a:contains(Gold)",
            run: "click",
        },
        {
            content: "Gold is allowed",
            trigger: ".o_field_widget[name=allowed_tier_ids] .o_tag:contains(Gold)",
        },
        {
            content: "Save the event",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The event is saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Open the Marketing menu",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Marketing)",
            run: "click",
        },
        {
            content: "Open the event registrations",
            trigger: ".dropdown-menu .dropdown-item:contains(Event Registrations)",
            run: "click",
        },
        {
            content: "Register someone",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Choose the event",
            trigger: ".o_field_widget[name=event_id] input",
            run: "edit Tour salon",
        },
        {
            content: "Pick the new event",
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour salon)",
            run: "click",
        },
        {
            content: "Choose the Gold member",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Gold",
        },
        {
            content: "Pick the member",
            trigger: ".o-autocomplete--dropdown-item a:contains(Tour Gold Member)",
            run: "click",
        },
        {
            content: "Save the registration",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The registration is saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Open the meetings of my calendar",
            trigger: ".o_menu_sections .dropdown-toggle:contains(Marketing)",
            run: "click",
        },
        {
            content: "Open My Member Meetings",
            trigger: ".dropdown-menu .dropdown-item:contains(My Member Meetings)",
            run: "click",
        },
        {
            content: "The meeting with the member is in the consultant's calendar",
            trigger: ".o_data_row td[name=name]:contains(Tour salon: Tour Gold Member)",
        },
    ],
});
