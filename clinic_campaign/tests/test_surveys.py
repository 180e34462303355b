from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import ClinicCampaignCase


@tagged("post_install", "-at_install")
class TestSurveys(ClinicCampaignCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("clinic_campaign.survey_satisfaction_demo")
        cls.q_recommend = cls.env.ref("clinic_campaign.survey_question_recommend_demo")
        cls.q_result = cls.env.ref("clinic_campaign.survey_question_result_demo")
        cls.campaign = cls.create_campaign("survey", survey_id=cls.survey.id)

    def answer(self, member, *scores):
        answer = self.survey._clinic_invite(member, self.campaign)
        for question, score in zip((self.q_recommend, self.q_result), scores, strict=False):
            answer._save_lines(question, str(score))
        answer._mark_done()
        return answer

    def low_score_activities(self, member):
        return member.activity_ids.filtered(lambda a: "Low satisfaction" in (a.summary or ""))

    def test_invitation_linked_to_partner_and_campaign(self):
        member = self.create_member("林 Lin")
        mails_before = self.env["mail.mail"].search_count([])
        answer = self.survey._clinic_invite(member, self.campaign)
        self.assertEqual((answer.partner_id, answer.campaign_id), (member, self.campaign))
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 1)

    def test_no_consent_no_invitation(self):
        member = self.create_member("黄 Huang", consent=False)
        self.assertFalse(self.survey._clinic_invite(member, self.campaign))
        self.assertFalse(self.env["survey.user_input"].search([("partner_id", "=", member.id)]))

    def test_low_score_opens_activity_for_consultant(self):
        member = self.create_member("差 Unhappy")
        answer = self.answer(member, 3, 5)
        self.assertAlmostEqual(answer.clinic_score, 4.0)
        activity = self.low_score_activities(member)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.consultant)
        self.assertEqual(answer.clinic_low_score_activity_id, activity)
        answer._clinic_flag_low_scores()
        self.assertEqual(len(self.low_score_activities(member)), 1, "once")

    def test_good_score_opens_nothing(self):
        member = self.create_member("好 Happy")
        answer = self.answer(member, 9, 10)
        self.assertAlmostEqual(answer.clinic_score, 9.5)
        self.assertFalse(self.low_score_activities(member))

    def test_score_is_normalised_to_ten(self):
        self.q_result.write({"scale_min": 1, "scale_max": 5})
        member = self.create_member("五 Five")
        answer = self.answer(member, 10, 3)  # 10/10 and 3 on 1..5 = 5/10
        self.assertAlmostEqual(answer.clinic_score, 7.5)

    def test_nps_and_average_per_campaign(self):
        for name, score in (("甲 A", 10), ("乙 B", 9), ("丙 C", 8), ("丁 D", 2)):
            self.answer(self.create_member(name), score)
        self.campaign._clinic_refresh_results()
        self.assertAlmostEqual(self.campaign.clinic_survey_score, 7.25)
        self.assertAlmostEqual(self.campaign.clinic_nps, 25.0)  # 2 promoters, 1 detractor of 4
        self.assertEqual(self.campaign.clinic_survey_count, 4)
        self.assertEqual(self.campaign.clinic_participant_count, 4)

    def test_the_clinic_lists_the_answers_to_its_own_surveys_only(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("clinic_campaign.clinic_survey_answer_action")
        listed = self.env["survey.user_input"].search(safe_eval(action["domain"]))
        ours = self.env["survey.user_input"].search(
            [
                ("survey_id", "=", self.env.ref("clinic_campaign.survey_satisfaction_demo").id),
                ("test_entry", "=", False),
            ]
        )
        self.assertTrue(ours and ours <= listed, "the demo clinic's satisfaction answers are listed")
        odoo_demo = self.env["survey.user_input"].search(
            [
                ("survey_id.clinic_campaign_ids", "=", False),
                ("survey_id.clinic_event_ids", "=", False),
                ("survey_id.clinic_followup_step_ids", "=", False),
                ("campaign_id", "=", False),
            ]
        )
        self.assertTrue(odoo_demo, "Odoo's demo holds answers to its own quizzes")
        self.assertFalse(odoo_demo & listed, "they stay out of the clinic's menu")
