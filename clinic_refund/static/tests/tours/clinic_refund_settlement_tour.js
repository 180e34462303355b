/** @odoo-module **/

import { registry } from "@web/core/registry";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// Data is created by clinic_refund/tests/test_refund_settlement_tour.py: a draft refund request of
// "吴协商" (contract terms give 2,000.00); the manager, the accountant and the member read zh_CN.

registry.category("web_tour.tours").add("clinic_refund_settlement_propose_tour", {
    steps: () => [
        {
            content: "Negotiate the amount",
            trigger: ".o_form_view .o_form_statusbar button[name=action_propose_settlement]",
            run: "click",
        },
        {
            content: "The member and the clinic agreed on 2,500",
            trigger: ".modal .o_field_widget[name=amount] input",
            run: "edit 2500",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit 疗程因诊所排期取消，双方协商一致退还2500元",
        },
        chineseScreen("The negotiated settlement", ".modal button[name=action_confirm]"),
        {
            content: "Record the settlement",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The breakdown shows the terms' figure and the agreed one",
            trigger: ".o_clinic_refund_settlement:contains(2,500.00):contains(2,000.00)",
        },
        {
            content: "Submit it for approval",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(待审批)",
        },
        chineseScreen("The negotiated request", ".o_form_view .o_form_saved"),
        {
            content: "Open the settlement agreement",
            trigger: ".o_form_view button[name=action_view_settlement]",
            run: "click",
        },
        {
            content: "Send it to the member for an electronic signature",
            trigger: ".o_form_view button[name=action_send_for_signature]",
            run: "click",
        },
        {
            content: "It waits for the member's signature",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(待签署)",
        },
        chineseScreen("The settlement sent for signature", ".o_form_view .o_form_saved"),
    ],
});

registry.category("web_tour.tours").add("clinic_refund_settlement_portal_tour", {
    steps: () => [
        {
            content: "The member sees the proposed settlement of 2,500.00",
            trigger: ".o_clinic_refund_request_row .o_clinic_settlement:contains(2,500.00)",
        },
        {
            content: "and opens the agreement to sign it (sign_oca's signing page, which carries no tour)",
            trigger: "a.o_clinic_sign_settlement",
            run: "click",
        },
    ],
});
