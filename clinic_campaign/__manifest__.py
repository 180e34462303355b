{
    "name": "Clinic Campaigns",
    "summary": "Member campaigns, tier-gated events, satisfaction surveys and post-treatment follow-ups",
    "version": "18.0.1.0.0",
    "category": "Marketing/Clinic",
    "website": "https://github.com/clinic-suite/clinic",
    "author": "Clinic Suite",
    "license": "LGPL-3",
    "depends": ["clinic_membership", "mail", "calendar", "survey", "event", "mass_mailing", "utm"],
    "data": [
        "security/clinic_campaign_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/utm_campaign_views.xml",
        "views/clinic_campaign_grant_views.xml",
        "views/event_event_views.xml",
        "views/survey_views.xml",
        "views/clinic_followup_plan_views.xml",
        "views/product_template_views.xml",
        "views/mailing_views.xml",
        "views/clinic_campaign_menus.xml",
    ],
    "demo": [
        "demo/clinic_campaign_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "clinic_campaign/static/tests/tours/*.js",
        ],
    },
}
