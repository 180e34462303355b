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
        "security/ir.model.access.csv",
        "views/clinic_campaign_menus.xml",
    ],
}
