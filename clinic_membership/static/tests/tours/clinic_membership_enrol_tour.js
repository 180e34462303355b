/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_membership_enrol_tour", {
    steps: () => [
        {
            content: "Enrol the client",
            trigger: ".o_form_view button[name=action_enrol_member]",
            run: "click",
        },
        {
            content: "Open the membership tab",
            trigger: ".o_notebook a.nav-link:contains(Membership)",
            run: "click",
        },
        {
            content: "The new member starts in the entry tier (the desk reads it, a manager changes it)",
            trigger: ".o_field_widget[name=tier_id]:contains(Regular)",
        },
        {
            content: "Open the client's invoices",
            trigger: "button[name=action_view_partner_invoices]",
            run: "click",
        },
        {
            content: "Open the draft invoice",
            trigger: ".o_data_row:contains(Draft) td[name=name]",
            run: "click",
        },
        {
            content: "Post it",
            trigger: ".o_form_view button[name=action_post]",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Posted)",
        },
        {
            content: "Back to the member",
            trigger: ".o_breadcrumb .breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "Open the membership tab",
            trigger: ".o_notebook a.nav-link:contains(Membership)",
            run: "click",
        },
        {
            content: "The member moved up to Silver",
            trigger: ".o_field_widget[name=tier_id]:contains(Silver)",
        },
        {
            content: "and earned the invoice's points",
            trigger: "button[name=action_view_points] .o_stat_value:contains(12,000)",
        },
    ],
});
