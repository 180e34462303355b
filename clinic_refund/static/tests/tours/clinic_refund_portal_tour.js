/** @odoo-module **/

import { registry } from "@web/core/registry";

// Data is created by clinic_refund/tests/test_portal_refund.py: the member's active contract.
registry.category("web_tour.tours").add("clinic_refund_portal_ask_tour", {
    steps: () => [
        {
            content: "Ask for a refund from the contract's page",
            trigger: "a.o_clinic_ask_refund",
            run: "click",
        },
        {
            content: "The clinic moved away",
            trigger: "select[name=reason]",
            run: "select clinic_relocation_closure",
        },
        {
            content: "See what the rules give back for that reason",
            trigger: "button.o_clinic_refund_preview",
            run: "click",
        },
        {
            content: "All unused principal comes back, with no fee",
            trigger: ".o_clinic_refund_quote:contains(2,000.00)",
        },
        {
            content: "Explain",
            trigger: "textarea[name=description]",
            run: "edit 诊所搬到了另一个城市, 我无法继续疗程。",
        },
        {
            content: "Send the request",
            trigger: "button.o_clinic_refund_send",
            run: "click",
        },
        {
            content: "The request was received",
            trigger: ".o_clinic_refund_asked",
        },
        {
            content: "It is listed on the contract as received (a draft the clinic files, never shown as 'Draft')",
            trigger: ".o_clinic_refund_request_row .o_clinic_refund_state:contains(Received):not(:contains(Draft))",
        },
    ],
});

registry.category("web_tour.tours").add("clinic_refund_portal_paid_tour", {
    steps: () => [
        {
            content: "The member sees the refund paid",
            trigger: ".o_clinic_refund_request_row .o_clinic_refund_state:contains(Paid)",
        },
    ],
});

// The clinic's side reads the screens in zh_CN (clinic_refund/tests/test_portal_refund.py).
registry.category("web_tour.tours").add("clinic_refund_request_submit_tour", {
    steps: () => [
        {
            content: "The member's own files are there, with the contract and receipts the clinic holds",
            trigger: ".o_notebook a.nav-link:contains(证据材料)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=evidence_ids] .o_data_row:contains(合同)",
        },
        {
            content: "Submit it for approval",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The request waits for approval",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(待审批)",
        },
    ],
});
