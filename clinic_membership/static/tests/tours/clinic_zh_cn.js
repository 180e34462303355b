/** @odoo-module **/

import { registry } from "@web/core/registry";

// Helpers of the clinic's zh_CN tours: a screen a Chinese clinic's staff reads carries no
// English word, and a daily task is counted in clicks.

// ASCII words that are not English on a Chinese screen: brands and names Chinese screens keep.
const ALLOWED = new Set(["VISIA", "PDF", "SHA", "Odoo", "OdooBot", "Excel"]);

function englishWords(text) {
    const cleaned = text
        .replace(/\S+@\S+/g, " ") // e-mail addresses
        .replace(/https?:\/\/\S+/g, " ")
        .replace(/\b[0-9a-f]{16,}\b/g, " ") // digests (SHA-256 of a signed file)
        .replace(/\.[A-Za-z0-9]{2,4}\b/g, " "); // file name extensions
    const words = cleaned.match(/[A-Za-z]*[a-z][A-Za-z]*/g) || [];
    return [...new Set(words.filter((word) => word.length >= 3 && !ALLOWED.has(word)))];
}

const SCREEN = [".o_main_navbar", ".o_action_manager", ".modal", ".o_notification_manager"];

/**
 * A step that fails when the visible text of the screen holds an English word.
 * @param {string} content what the screen is
 * @param {string} trigger the element that shows the screen is there
 * @param {string[]} [parts] the parts of the screen read (default: all of it)
 */
export function chineseScreen(content, trigger, parts = SCREEN) {
    return {
        content: `${content}: everything on the screen is Chinese`,
        trigger,
        run() {
            const elements = parts.flatMap((selector) => [...document.querySelectorAll(selector)]);
            // the options of a drop-down are not on the screen (and Odoo names languages in English)
            const options = elements.flatMap((el) => [...el.querySelectorAll("select")]).map((el) => el.innerText);
            const text = options.reduce(
                (all, option) => all.replace(option, " "),
                elements.map((el) => el.innerText).join("\n")
            );
            const words = englishWords(text);
            if (words.length) {
                const where = words.map((word) => {
                    const at = text.indexOf(word);
                    return `«${text.slice(Math.max(0, at - 30), at + word.length + 30).replace(/\s+/g, " ")}»`;
                });
                throw new Error(
                    `English on a zh_CN screen (${content}): ${words.join(", ")}\n${where.join("\n")}`
                );
            }
        },
    };
}

let clicks = 0;

/** A click of the user, counted. */
export function click(content, trigger) {
    return {
        content,
        trigger,
        async run(helpers) {
            clicks++;
            await helpers.click();
        },
    };
}

/**
 * Typing into a field: one click of the user, unless the screen already put the cursor there
 * (the search of a list, the first cell of a row just added, the first field of a dialog).
 */
export function typeIn(content, trigger, text) {
    return {
        content,
        trigger,
        async run(helpers) {
            if (document.activeElement !== helpers.anchor) {
                clicks++;
            }
            await helpers.edit(text);
        },
    };
}

export function startCounting() {
    return {
        content: "Start counting the clicks",
        trigger: "body",
        run() {
            clicks = 0;
        },
    };
}

/** A step that fails when the task took more clicks than ``max``; logs the count. */
export function atMostClicks(max, task) {
    return {
        content: `${task} in at most ${max} clicks`,
        trigger: "body",
        run() {
            console.info(`clinic clicks: ${task}: ${clicks}`);
            if (clicks > max) {
                throw new Error(`${task} took ${clicks} clicks (at most ${max})`);
            }
        },
    };
}

// One screen opened by URL (clinic_*/tests/test_zh_cn_screens.py): once it has loaded, no English.
registry.category("web_tour.tours").add("clinic_zh_cn_screen_tour", {
    steps: () => [
        {
            content: "The screen has loaded",
            trigger: ".o_action_manager .o_view_controller .o_control_panel",
        },
        chineseScreen("A clinic screen", ".o_action_manager .o_view_controller"),
    ],
});
