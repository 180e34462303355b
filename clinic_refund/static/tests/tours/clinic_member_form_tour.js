/** @odoo-module **/

import { registry } from "@web/core/registry";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// clinic_refund/tests/test_zh_cn_screens.py opens a demo member as the front desk (zh_CN) and hands
// the tour what her form must show in ``window.clinicMemberExpected`` (set by the test before the
// tour's steps are built): name, member number, tier, consultant, points, stored value available and
// reserved, sessions left, package.

const FORM = [".o_main_navbar", ".o_control_panel", ".o_form_view .o_form_sheet_bg"];
const SUMMARY_LABELS = ["会员编号", "等级", "顾问", "积分", "可用储值", "疗程预留", "剩余次数"];

function expected() {
    return window.clinicMemberExpected || {};
}

/** The text a field shows: an input's value, or its text. */
function shown(name) {
    const field = document.querySelector(`.o_form_view .o_field_widget[name=${name}]`);
    if (!field) {
        throw new Error(`The member form does not show ${name}`);
    }
    const input = field.querySelector("input");
    return (input ? input.value : field.innerText).trim();
}

registry.category("web_tour.tours").add("clinic_member_form_tour", {
    steps: () => [
        {
            content: "Type the member number",
            trigger: ".o_searchview_input",
            run: `edit ${expected().member_number}`,
        },
        {
            content: "Search",
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Open her card",
            trigger: `.o_kanban_record span.fw-bold:contains(${expected().name})`,
            run: "click",
        },
        {
            content: "Her form opens on what the desk needs",
            trigger: ".o_form_view .o_field_widget[name=member_number]",
        },
        {
            content: "The desk reads her tier: a manager changes it",
            trigger: ".o_form_view .o_field_widget[name=tier_id]:not(:has(input))",
        },
        {
            content: "The summary: Chinese labels, her values",
            trigger: ".o_form_view .o_field_widget[name=clinic_sessions_remaining]",
            run() {
                const values = expected();
                if (!values.member_number) {
                    throw new Error("clinicMemberExpected is not set: start the tour from its test");
                }
                const summary = document
                    .querySelector(".o_form_view .o_field_widget[name=member_number]")
                    .closest(".o_group");
                const labels = [...summary.querySelectorAll(".o_form_label")].map((label) =>
                    label.innerText.replace("?", "").trim()
                );
                const missing = SUMMARY_LABELS.filter((label) => !labels.includes(label));
                if (missing.length) {
                    throw new Error(`Summary labels missing: ${missing.join(", ")} (shown: ${labels.join(", ")})`);
                }
                const english = summary.innerText.replace(values.member_number, "").match(/[A-Za-z]{2,}/g);
                if (english) {
                    throw new Error(`English in the member summary: ${english.join(", ")}`);
                }
                const checks = {
                    member_number: values.member_number,
                    tier_id: values.tier,
                    consultant_id: values.consultant,
                    points_balance: values.points,
                    stored_value_available: values.available,
                    stored_value_reserved: values.reserved,
                    clinic_sessions_remaining: values.sessions,
                };
                const wrong = Object.entries(checks).filter(([name, value]) => !shown(name).includes(value));
                if (wrong.length) {
                    throw new Error(
                        `Member summary: ${wrong
                            .map(([name, value]) => `${name} shows «${shown(name)}», expected «${value}»`)
                            .join("; ")}`
                    );
                }
            },
        },
        // her chatter is history, kept in the language each message was written in
        chineseScreen("The member's form", ".o_form_view .o_field_widget[name=member_number]", FORM),
        {
            content: "Her packages",
            trigger: ".o_notebook a.nav-link:contains(疗程卡)",
            run: "click",
        },
        {
            content: "Her package and the sessions she has left",
            trigger: `.o_field_widget[name=clinic_package_line_ids] .o_data_row:contains(${expected().package}) td[name=sessions_remaining]:contains(${expected().sessions})`,
        },
        chineseScreen("The member's packages", ".o_field_widget[name=clinic_package_line_ids] .o_data_row", FORM),
    ],
});
