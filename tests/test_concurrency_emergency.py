"""An urgent case acknowledged while the escalation cron runs, each in its own transaction.

The data is committed for real (each worker has its own transaction, as two Odoo processes would)
and removed afterwards. Whatever the order, a case is escalated at most once, an acknowledgement is
never lost, and a case its responder holds is not escalated under her.
"""

from contextlib import closing
from datetime import timedelta

from wallets import race_two_workers, superuser_env

from odoo import fields
from odoo.tests import TransactionCase, tagged

TIMEOUT = 30
CASE_LOCK = "%clinic_emergency%FOR UPDATE%"


@tagged("post_install", "-at_install")
class TestEmergencyEscalationRace(TransactionCase):
    def setUp(self):
        super().setUp()
        self.started = fields.Datetime.now()
        self.case_id, self.member_id, self.doctor_id = self._commit_overdue_case()
        self.addCleanup(self._delete_committed_data)

    def _commit_overdue_case(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            member = env["res.partner"].search([("is_member", "=", True)], limit=1)
            case = env["clinic.emergency"]._clinic_open(member, "并发：术后红肿 Concurrency")
            case.sudo().write({"date_due": fields.Datetime.now() - timedelta(minutes=5)})  # nobody answered in time
            doctor = case.doctor_id or case.consultant_id
            cr.commit()
            return case.id, member.id, doctor.id

    def _delete_committed_data(self):
        with closing(self.registry.cursor()) as cr:
            cr.execute("DELETE FROM mail_activity WHERE res_model = 'clinic.emergency' AND res_id = %s", [self.case_id])
            cr.execute(
                "DELETE FROM mail_message WHERE (model = 'clinic.emergency' AND res_id = %s)"
                " OR (model = 'res.partner' AND res_id = %s AND create_date >= %s)",
                [self.case_id, self.member_id, self.started],
            )
            cr.execute(
                "DELETE FROM mail_followers WHERE res_model = 'clinic.emergency' AND res_id = %s", [self.case_id]
            )
            cr.execute("DELETE FROM clinic_emergency WHERE id = %s", [self.case_id])
            cr.commit()

    # ------------------------------------------------------------------ the two workers

    def _acknowledge(self, env):
        env["clinic.emergency"].with_user(self.doctor_id).browse(self.case_id).action_acknowledge()

    def _escalate(self, env):
        return env["clinic.emergency"]._cron_escalate().ids

    def _state(self):
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            case = env["clinic.emergency"].browse(self.case_id)
            return case.state, case.escalated, case.acknowledged_by_id.id

    def test_a_case_being_acknowledged_is_not_escalated_under_its_responder(self):
        results = race_two_workers(
            self.registry, self._acknowledge, self._escalate, TIMEOUT, lock=CASE_LOCK, second_waits=False
        )
        self.assertEqual(results["first"], "done")
        self.assertEqual(results["second_result"], [], "the cron skips the case the acknowledgement holds")
        self.assertEqual(self._state(), ("acknowledged", False, self.doctor_id))
        with closing(self.registry.cursor()) as cr:
            self.assertFalse(self._escalate(superuser_env(cr)), "and the next run finds nothing to escalate")
            cr.commit()

    def test_an_acknowledgement_waits_for_the_escalation_and_is_kept(self):
        results = race_two_workers(self.registry, self._escalate, self._acknowledge, TIMEOUT, lock=CASE_LOCK)
        self.assertEqual(results["first_result"], [self.case_id])
        self.assertTrue(results["second_waited"], "the acknowledgement waits on the case the cron holds")
        self.assertEqual(results["second"], "done")
        self.assertEqual(self._state(), ("acknowledged", True, self.doctor_id), "escalated, then acknowledged")

    def test_two_cron_runs_escalate_a_case_once(self):
        results = race_two_workers(
            self.registry, self._escalate, self._escalate, TIMEOUT, lock=CASE_LOCK, second_waits=False
        )
        self.assertEqual(results["first_result"], [self.case_id])
        self.assertEqual(results["second_result"], [], "the second run skips the case the first escalates")
        self.assertEqual(self._state(), ("new", True, False))
