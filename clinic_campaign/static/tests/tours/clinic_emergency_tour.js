/** @odoo-module **/

import { registry } from "@web/core/registry";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// clinic_campaign/tests/test_emergency.py: a member reading zh_CN reports an urgent problem after a
// treatment in the portal; her consultant, reading zh_CN too, acknowledges it in the backend.

const PORTAL = ["#wrap"];

registry.category("web_tour.tours").add("clinic_emergency_portal_tour", {
    steps: () => [
        chineseScreen("The member's urgent problems", "a.o_clinic_emergency_new", PORTAL),
        {
            content: "Report an urgent problem",
            trigger: "a.o_clinic_emergency_new",
            run: "click",
        },
        {
            content: "Say what happened",
            trigger: "form.o_clinic_emergency_form textarea[name=description]",
            run: "edit 术后第二天眼周红肿，疼痛加重，冰敷没有缓解",
        },
        chineseScreen("The report form", "form.o_clinic_emergency_form", PORTAL),
        {
            content: "Send it",
            trigger: "button.o_clinic_emergency_send",
            run: "click",
        },
        {
            content: "The report was received and waits for an answer",
            trigger: ".o_clinic_emergency_reported",
        },
        {
            trigger: ".o_clinic_emergency_state:contains(待受理)",
        },
        chineseScreen("The reported problem", ".o_clinic_emergency_reported", PORTAL),
    ],
});

registry.category("web_tour.tours").add("clinic_emergency_acknowledge_tour", {
    steps: () => [
        {
            content: "The urgent case of the member",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(急诊会员)",
        },
        chineseScreen("The urgent case", ".o_form_view button[name=action_acknowledge]"),
        {
            content: "Acknowledge it",
            trigger: ".o_form_view button[name=action_acknowledge]:contains(受理)",
            run: "click",
        },
        {
            content: "The case is acknowledged",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(已受理)",
        },
    ],
});
