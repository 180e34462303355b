/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    atMostClicks,
    chineseScreen,
    click,
    startCounting,
    typeIn,
} from "@clinic_membership/../tests/tours/clinic_zh_cn";

// Data is created by clinic_refund/tests/test_ui.py: 金卡会员 "赵金卡" (phone +86 138 0013 8000) with an
// active contract; the front desk reads the screens in zh_CN and checks her treatment out.
registry.category("web_tour.tours").add("clinic_checkout_tour", {
    steps: () => [
        startCounting(),
        typeIn("Type the phone number as the member says it", ".o_searchview_input", "13800138000"),
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        chineseScreen("The members", ".o_kanban_record:contains(赵金卡)"),
        click("Check the member out from her card", ".o_kanban_record:contains(赵金卡) button[name=action_clinic_checkout]"),
        chineseScreen("The checkout", ".modal .o_field_widget[name=stored_value_available]"),
        click("Add today's treatment", ".modal .o_field_x2many_list_row_add a"),
        typeIn("Type the treatment", ".modal .o_selected_row .o_field_widget[name=product_id] input", "光子"),
        click("Choose it", ".o-autocomplete--dropdown-item:contains(光子嫩肤测试)"),
        {
            content: "The Gold price, all of it from stored value",
            trigger: ".modal .o_field_widget[name=stored_value_amount] input:value(900.00)",
        },
        chineseScreen("The checkout at the Gold price", ".modal .o_field_widget[name=amount_rest]:contains(0.00)"),
        click("Confirm the checkout", ".modal button[name=action_confirm]"),
        {
            content: "The paid invoice",
            trigger: ".o_form_view .ribbon:visible",
        },
        atMostClicks(4, "Checkout of a member paying from stored value"),
        chineseScreen("The paid invoice", ".o_form_view .ribbon:visible"),
    ],
});

// Data is created by clinic_refund/tests/test_ui.py: 金卡会员 "孙混合" (phone +86 139 0000 2222) with
// 30,000 points (¥300.00), ¥1,000.00 of stored value and a package with 4 sessions left; two
// treatments (光子嫩肤测试 ¥900.00 and 水光针测试 ¥1,800.00 at the Gold price) are paid with her points,
// her stored value and the rest in cash.
registry.category("web_tour.tours").add("clinic_checkout_mixed_tour", {
    steps: () => [
        startCounting(),
        typeIn("Type the phone number as the member says it", ".o_searchview_input", "13900002222"),
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        chineseScreen("The member found", ".o_kanban_record:contains(孙混合)"),
        click("Check the member out from her card", ".o_kanban_record:contains(孙混合) button[name=action_clinic_checkout]"),
        {
            content: "Her package is named with the sessions she has left (4 of 6), not paid here",
            trigger:
                ".modal .o_field_widget[name=package_line_ids] .o_data_row:contains(焕肤测试 6 次) " +
                "td[name=sessions_remaining]:contains(4)",
        },
        chineseScreen("The checkout", ".modal .o_field_widget[name=stored_value_available]:contains(1,000.00)"),
        click("Add the first treatment", ".modal .o_field_x2many_list_row_add a"),
        typeIn("Type it", ".modal .o_selected_row .o_field_widget[name=product_id] input", "光子"),
        click("Choose it", ".o-autocomplete--dropdown-item:contains(光子嫩肤测试)"),
        {
            content: "The first treatment at the Gold price",
            trigger: ".modal .o_field_widget[name=amount_total]:contains(900.00)",
        },
        click("Add the second treatment", ".modal .o_field_x2many_list_row_add a"),
        typeIn("Type it", ".modal .o_selected_row .o_field_widget[name=product_id] input", "水光"),
        click("Choose it", ".o-autocomplete--dropdown-item:contains(水光针测试)"),
        {
            content: "Both treatments at the Gold price",
            trigger: ".modal .o_field_widget[name=amount_total]:contains(2,700.00)",
        },
        typeIn("Her points pay ¥300.00", ".modal .o_field_widget[name=points_to_redeem] input", "30000"),
        {
            content: "Leave the points field",
            trigger: ".modal .o_field_widget[name=points_to_redeem] input",
            run: "press Tab",
        },
        {
            content: "The points discount",
            trigger: ".modal .o_field_widget[name=points_value]:contains(300.00)",
        },
        {
            content: "All her stored value pays",
            trigger: ".modal .o_field_widget[name=stored_value_amount] input:value(1,000.00)",
        },
        {
            content: "Cash is pre-selected for the rest",
            trigger: ".modal .o_field_widget[name=journal_id] input:value(现金)",
        },
        chineseScreen("The mixed checkout", ".modal .o_field_widget[name=amount_rest]:contains(1,400.00)"),
        click("Confirm the checkout", ".modal button[name=action_confirm]"),
        {
            content: "The paid invoice",
            trigger: ".o_form_view .ribbon:visible",
        },
        atMostClicks(8, "Checkout of two treatments paid with points, stored value and cash"),
        chineseScreen("The paid invoice", ".o_form_view .ribbon:visible"),
    ],
});

// Data is created by clinic_refund/tests/test_ui.py: 金卡会员 "钱免费" (phone +86 137 0000 3333), whose
// tier gives 4 free consultations a year, none used; the desk checks her consultation out for 0.00.
registry.category("web_tour.tours").add("clinic_checkout_free_consultation_tour", {
    steps: () => [
        startCounting(),
        typeIn("Type the phone number as the member says it", ".o_searchview_input", "13700003333"),
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        click("Check the member out from her card", ".o_kanban_record:contains(钱免费) button[name=action_clinic_checkout]"),
        click("Add today's consultation", ".modal .o_field_x2many_list_row_add a"),
        typeIn("Type it", ".modal .o_selected_row .o_field_widget[name=product_id] input", "面诊"),
        click("Choose it", ".o-autocomplete--dropdown-item:contains(面诊咨询测试)"),
        {
            content: "The consultation is her tier's benefit, free",
            trigger: ".modal .o_field_widget[name=benefit_label]:contains(金卡)",
        },
        chineseScreen("The free consultation", ".modal .o_field_widget[name=amount_total]:contains(0.00)"),
        click("Confirm the checkout", ".modal button[name=action_confirm]"),
        {
            content: "The invoice of 0.00, paid",
            trigger: ".o_form_view .ribbon:visible",
        },
        atMostClicks(4, "Checkout of a free consultation"),
        chineseScreen("The invoice of the free consultation", ".o_form_view .ribbon:visible"),
    ],
});
