/** @odoo-module **/

import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";
import { fileRequestFor } from "./clinic_refund_tour_steps";

// Data is created by clinic_refund/tests/test_ui.py: an active contract of "周退款"; the front desk,
// the manager and the accountant read the screens in zh_CN.
function addEvidence(kind, filename) {
    return [
        {
            content: `Add a ${kind} line`,
            trigger: ".o_field_widget[name=evidence_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: `It is a ${kind}`,
            trigger: ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=evidence_type] select",
            run: `select "${kind}"`,
        },
        {
            content: `Upload the ${kind}`,
            trigger: ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=datas]",
            async run() {
                const file = new File(["%PDF-1.4 evidence"], filename, { type: "application/pdf" });
                await inputFiles(
                    ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=datas] .o_input_file",
                    [file]
                );
            },
        },
        {
            content: `The ${kind} is uploaded`,
            trigger: ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=datas] .o_clear_file_button",
        },
    ];
}

registry.category("web_tour.tours").add("clinic_refund_request_file_tour", {
    steps: () => [
        ...fileRequestFor("周退款"),
        {
            content: "The refund follows the contract's terms",
            trigger: ".o_field_widget[name=amount_refundable]:contains(2,000.00)",
        },
        {
            content: "Open the evidence",
            trigger: ".o_notebook a.nav-link:contains(证据材料)",
            run: "click",
        },
        ...addEvidence("contract", "合同.pdf"),
        ...addEvidence("payment_voucher", "付款凭证.pdf"),
        {
            content: "Submit it for approval",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The request waits for approval",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(待审批)",
        },
        chineseScreen("The submitted request", ".o_form_view .o_form_saved"),
    ],
});

registry.category("web_tour.tours").add("clinic_refund_request_approve_tour", {
    steps: () => [
        chineseScreen("The request waiting for the manager", ".o_form_view button[name=validate_tier]"),
        {
            content: "Approve the refund",
            trigger: ".o_form_view button[name=validate_tier]",
            run: "click",
        },
        {
            content: "The request is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(已批准)",
        },
        chineseScreen("The approved request", ".o_form_view .o_form_statusbar"),
    ],
});

registry.category("web_tour.tours").add("clinic_refund_request_pay_tour", {
    steps: () => [
        {
            content: "Pay the refund",
            trigger: ".o_form_view .o_form_statusbar button:contains(支付退款)",
            run: "click",
        },
        chineseScreen("The payment of the refund", ".modal button[name=action_confirm]"),
        {
            content: "Confirm the payment",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The refund is paid",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(已支付)",
        },
        chineseScreen("The paid request", ".o_form_view .o_form_saved"),
    ],
});
