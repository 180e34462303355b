/** @odoo-module **/

import { registry } from "@web/core/registry";
import {
    atMostClicks,
    chineseScreen,
    click,
    startCounting,
} from "@clinic_membership/../tests/tours/clinic_zh_cn";

// Data is created by clinic_refund/tests/test_ui.py: 金卡会员 "赵金卡" (phone +86 138 0013 8000) with an
// active contract; the front desk reads the screens in zh_CN and checks her treatment out.
registry.category("web_tour.tours").add("clinic_checkout_tour", {
    steps: () => [
        startCounting(),
        {
            content: "Type the phone number as the member says it",
            trigger: ".o_searchview_input",
            run: "edit 13800138000",
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        chineseScreen("The members", ".o_kanban_record:contains(赵金卡)"),
        click("Check the member out from her card", ".o_kanban_record:contains(赵金卡) button[name=action_clinic_checkout]"),
        chineseScreen("The checkout", ".modal .o_field_widget[name=stored_value_available]"),
        click("Add today's treatment", ".modal .o_field_x2many_list_row_add a"),
        {
            content: "Type the treatment",
            trigger: ".modal .o_selected_row .o_field_widget[name=product_id] input",
            run: "edit 光子",
        },
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
        atMostClicks(5, "Checkout of a member paying from stored value"),
        chineseScreen("The paid invoice", ".o_form_view .ribbon:visible"),
    ],
});
