/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("clinic_campaign_dashboard_tour", {
    steps: () => [
        {
            content: "Campaigns are grouped by type on the kanban",
            trigger: ".o_kanban_view .o_kanban_group:contains(Holiday Promotion) .o_kanban_record:contains(Tour holiday)",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the revenue of participants",
            trigger: ".o_pivot th:contains(Revenue of Participants)",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the campaign",
            trigger: ".o_data_row td[name=title]:contains(Tour holiday)",
            run: "click",
        },
        {
            content: "Its results are shown",
            trigger: ".o_notebook a.nav-link:contains(Results)",
            run: "click",
        },
        {
            content: "One member was reached",
            trigger: ".o_field_widget[name=clinic_reached_count]:contains(1)",
        },
    ],
});
