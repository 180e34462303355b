/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    atMostClicks,
    chineseScreen,
    click,
    startCounting,
} from "@clinic_membership/../tests/tours/clinic_zh_cn";
import { fileRequestFor, uploadSignedScan } from "./clinic_refund_tour_steps";

// Data is created by clinic_refund/tests/test_package_tour.py: member "钱疗程" (card M900001), the package
// "焕肤测试 6 次" (6 sessions for 5,000.00, 1,980.00 a single session); staff read zh_CN.

registry.category("web_tour.tours").add("clinic_package_sell_tour", {
    steps: () => [
        {
            content: "Choose the member",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit 钱疗程",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(钱疗程)",
            run: "click",
        },
        {
            content: "Open the treatment packages",
            trigger: ".o_notebook a.nav-link:contains(疗程卡)",
            run: "click",
        },
        {
            content: "Add a package",
            trigger: ".o_field_widget[name=package_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Type the package",
            trigger: ".o_field_widget[name=package_line_ids] .o_selected_row .o_field_widget[name=package_id] input",
            run: "edit 焕肤测试",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(焕肤测试 6 次)",
            run: "click",
        },
        {
            content: "The principal covers the package",
            trigger: ".o_field_widget[name=amount_principal] input:value(5,000.00)",
        },
        chineseScreen("The contract selling a package", ".o_field_widget[name=package_line_ids] .o_data_row"),
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        ...uploadSignedScan("疗程卡合同.pdf"),
        {
            content: "Activate it",
            trigger: ".o_form_view button[name=action_activate]",
            run: "click",
        },
        {
            content: "The member pays for the package",
            trigger: ".o_form_view button[name=action_topup]",
            run: "click",
        },
        {
            content: "The package price is proposed",
            trigger: ".modal .o_field_widget[name=amount] input:value(5,000.00)",
        },
        {
            content: "Confirm the payment",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The sessions' value is in",
            trigger: ".o_form_view .o_field_widget[name=balance_packages]:contains(5,000.00)",
        },
        chineseScreen("The paid package contract", ".o_form_view .o_form_saved"),
    ],
});

registry.category("web_tour.tours").add("clinic_package_redeem_tour", {
    steps: () => [
        startCounting(),
        {
            content: "Scan the member card into the search",
            trigger: ".o_searchview_input",
            run: "edit M900001",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        chineseScreen("The member found by her card", ".o_kanban_record:contains(钱疗程)"),
        click(
            "Redeem a session from her card",
            ".o_kanban_record:contains(钱疗程) button[name=action_clinic_redeem_sessions]"
        ),
        {
            content: "Her package is proposed, 6 sessions left",
            trigger: ".modal .o_field_widget[name=sessions_remaining]:contains(6)",
        },
        {
            content: "Two sessions today",
            trigger: ".modal .o_field_widget[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "Who gives the treatment",
            trigger: ".modal .o_field_widget[name=practitioner_id] input",
            run: "edit 陈医生",
        },
        click("Choose the practitioner", ".o-autocomplete--dropdown-item:contains(陈医生)"),
        chineseScreen("The redemption", ".modal button[name=action_confirm]"),
        click("Redeem", ".modal button[name=action_confirm]"),
        {
            content: "The session invoice, paid from the contract",
            trigger: ".o_form_view .ribbon:visible",
        },
        atMostClicks(3, "Redeeming sessions after a card scan"),
        chineseScreen("The paid session invoice", ".o_form_view .ribbon:visible"),
    ],
});

registry.category("web_tour.tours").add("clinic_package_refund_tour", {
    steps: () => [
        ...fileRequestFor("钱疗程"),
        {
            content: "The breakdown counts in sessions: 4 left at 833.33",
            trigger: ".o_clinic_refund_breakdown:contains(剩余 4 次):contains(833.33)",
        },
        {
            content: "The 4 sessions left, paid within seven days: whole, with no fee (法释〔2025〕4号 art. 14)",
            trigger: ".o_field_widget[name=amount_refundable]:contains(3,333.34)",
        },
        chineseScreen("The refund of a package", ".o_clinic_refund_breakdown"),
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
