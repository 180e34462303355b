"""A member's erasure (个人信息保护法 art. 47) clears what the campaigns and the emergency line hold of her."""

import base64
import json

from odoo.addons.clinic_membership.tests.test_data_request import find_texts
from odoo.tests import tagged

from .test_emergency import EmergencyCase


@tagged("post_install", "-at_install")
class TestDataRequestCampaign(EmergencyCase):
    def process(self, kind):
        request = self.env["clinic.data.request"].create({"partner_id": self.member.id, "kind": kind})
        request.with_user(self.manager).action_process()
        return request

    def test_her_emergency_is_exported_then_erased(self):
        case = self.report(description="急诊会员：术后眼周红肿", photo=self.png)
        data = json.loads(base64.b64decode(self.process("export").sudo().export_file))
        self.assertEqual([row["Reference"] for row in data["emergencies"]], [case.name])
        self.process("erasure")
        case = case.sudo()
        self.assertFalse(case.photo)
        self.assertNotIn("红肿", case.description)
        self.assertFalse(case.activity_ids)
        self.assertEqual(find_texts(self.env, ["急诊会员", "术后眼周红肿"]), set())
