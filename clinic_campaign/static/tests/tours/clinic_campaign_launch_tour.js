/** @odoo-module **/

import { registry } from "@web/core/registry";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// clinic_campaign/tests/test_ui.py: a clinic manager reading zh_CN opens a member day campaign that
// grants nothing (no target tier, multiplier 1.00, 0 bonus points): its form says so, and its Launch
// button asks again. The first tour cancels, the second launches anyway.

function launchAsked() {
    return [
        {
            content: "The form says the campaign grants nothing",
            trigger: ".o_form_view .alert-warning:contains(此活动尚未提供任何权益)",
        },
        chineseScreen("The empty campaign", ".o_form_view .alert-warning:contains(此活动尚未提供任何权益)"),
        {
            content: "Launch",
            trigger: ".o_form_view button[name=action_clinic_launch]:contains(发布)",
            run: "click",
        },
        {
            content: "Launching asks again, saying it grants nothing",
            trigger: ".modal .modal-body:contains(此活动不提供任何积分、优惠券或权益)",
        },
        chineseScreen("The launch warning", ".modal .modal-body:contains(此活动不提供任何积分、优惠券或权益)"),
    ];
}

registry.category("web_tour.tours").add("clinic_campaign_launch_cancel_tour", {
    steps: () => [
        ...launchAsked(),
        {
            content: "Cancel",
            trigger: ".modal .modal-footer button:contains(取消)",
            run: "click",
        },
        {
            content: "Nothing was sent: no grant",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_clinic_view_grants]:contains(0)",
        },
    ],
});

registry.category("web_tour.tours").add("clinic_campaign_launch_confirm_tour", {
    steps: () => [
        ...launchAsked(),
        {
            content: "Launch anyway",
            trigger: ".modal .modal-footer button:contains(确定)",
            run: "click",
        },
        {
            content: "The launch says how many members it reached",
            trigger: ".o_notification:contains(已发布):contains(已联系)",
        },
        chineseScreen("The launched campaign", ".o_notification:contains(已发布)"),
    ],
});
