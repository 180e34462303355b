/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// The manager reads her numbers in Chinese: the member segments, the stored-value liability by age,
// the points liability and the monthly report's dialog, all from 诊所 › 报表.
function openReport(menuXmlid, name, viewTrigger) {
    return [
        {
            content: "Open the Reporting menu",
            trigger: '.o_main_navbar [data-menu-xmlid="clinic_membership.menu_clinic_reporting"]',
            run: "click",
        },
        {
            content: `Open ${name}`,
            trigger: `.dropdown-item[data-menu-xmlid="${menuXmlid}"]`,
            run: "click",
        },
        {
            content: `${name} is shown`,
            trigger: viewTrigger,
        },
        chineseScreen(name, viewTrigger),
    ];
}

registry.category("web_tour.tours").add("clinic_manager_reports_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Clinic app",
            trigger: '.o_app[data-menu-xmlid="clinic_membership.menu_clinic_root"]',
            run: "click",
        },
        ...openReport(
            "clinic_membership.menu_clinic_report_segments",
            "Member segments",
            ".o_action_manager .o_graph_view .o_graph_renderer canvas"
        ),
        ...openReport(
            "clinic_refund.menu_clinic_report_stored_value_ageing",
            "Stored value liability by age",
            ".o_action_manager .o_pivot_view .o_pivot table"
        ),
        ...openReport(
            "clinic_membership.menu_clinic_report_points_liability",
            "Points liability",
            ".o_action_manager .o_pivot_view .o_pivot table"
        ),
        ...openReport(
            "clinic_membership.menu_clinic_report_monthly",
            "Monthly member report",
            ".modal button[name=action_print_pdf]"
        ),
    ],
});
