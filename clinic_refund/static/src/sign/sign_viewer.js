/** @odoo-module ignore **/
/* global window, document */
// Runs inside sign_oca's PDF viewer (pdf.js, loaded by /sign_oca/get_assets.js). On a phone, the
// page fits the screen's width without pdf.js's 40 px gutter: on 390 px, every pixel goes to the text.
(function () {
    "use strict";
    const app = window.PDFViewerApplication;
    // sign_oca may add this script to the viewer more than once
    if (!app || !app.pdfViewer || window.oClinicSignViewer || !window.matchMedia("(max-width: 767.98px)").matches) {
        return;
    }
    window.oClinicSignViewer = true;
    const fit = () => {
        const viewer = app.pdfViewer;
        const container = document.getElementById("viewerContainer");
        if (!viewer.pagesCount || !container) {
            return;
        }
        viewer.removePageBorders = true;
        viewer.viewer.classList.add("removePageBorders");
        viewer.currentScaleValue = "page-width";
    };
    fit();
    app.eventBus.on("pagesinit", fit);
    window.addEventListener("resize", fit);
})();
