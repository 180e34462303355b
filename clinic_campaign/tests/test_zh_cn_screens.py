"""The marketing screens of a Clinic Manager read in Chinese (no English word left).

Not swept: the contacts and survey answers, which list Odoo's own demo records in a demo database."""

from odoo.addons.clinic_membership.tests.common import activate_zh_cn
from odoo.tests import HttpCase, new_test_user, tagged

SCREENS = [
    "clinic_campaign.clinic_campaign_action",
    "clinic_campaign.clinic_campaign_dashboard_action",
    "clinic_campaign.clinic_campaign_grant_action",
    "clinic_campaign.clinic_followup_plan_action",
    "clinic_campaign.clinic_followup_task_action",
    "clinic_campaign.auditlog_log_action_clinic_access",
]


@tagged("post_install", "-at_install")
class TestChineseMarketingScreens(HttpCase):
    def test_campaign_screens_are_in_chinese(self):
        activate_zh_cn(self.env)
        manager = new_test_user(
            self.env,
            "zh_marketing",
            name="营销经理测试",
            lang="zh_CN",
            groups="base.group_user,clinic_membership.group_clinic_manager,mass_mailing.group_mass_mailing_user",
        )
        campaign = self.env["utm.campaign"].search([("clinic_campaign_type", "=", "double_points")], limit=1)
        self.env["clinic.emergency"].search([], limit=1).with_user(manager).read(["description"])  # an access row
        for action in [*SCREENS, f"clinic_campaign.clinic_campaign_action/{campaign.id}"]:
            with self.subTest(screen=action):
                self.start_tour(f"/odoo/action-{action}", "clinic_zh_cn_screen_tour", login=manager.login)
