from odoo import api, fields, models
from odoo.tools import SQL

AGE_BUCKETS = [
    ("0_3", "Under 3 Months"),
    ("3_6", "3 to 6 Months"),
    ("6_12", "6 to 12 Months"),
    ("12_24", "1 to 2 Years"),
    ("24_plus", "Over 2 Years"),
]


class ClinicStoredValueAgeing(models.Model):
    """What each prepaid contract still owes its holder, aged by the months since its last movement.

    Read straight from the posted rows of the stored-value journal, so that its principal adds up to
    the sub-ledger and to the general ledger's liability account (tested); bonus is shown beside it,
    as it is off the general ledger until spent.
    """

    _name = "clinic.stored.value.ageing"
    _description = "Stored Value Liability Ageing"
    _auto = False
    _order = "months_idle desc, contract_id"
    _rec_name = "contract_id"
    _depends = {  # flushed before the view is read
        "clinic.stored.value.move": [
            "contract_id",
            "company_id",
            "currency_id",
            "amount_principal",
            "amount_bonus",
            "date",
            "state",
        ],
        "clinic.prepaid.contract": ["partner_id"],
    }

    contract_id = fields.Many2one("clinic.prepaid.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    balance_principal = fields.Monetary(string="Principal Owed", readonly=True)
    balance_bonus = fields.Monetary(string="Bonus Left", readonly=True)
    date_last_move = fields.Date(string="Last Movement", readonly=True)
    months_idle = fields.Integer(string="Months Without Movement", readonly=True)
    age_bucket = fields.Selection(AGE_BUCKETS, string="Age", readonly=True)

    @property
    def _table_query(self):
        return self._ageing_query(SQL("CURRENT_DATE"), SQL())

    @api.model
    def _ageing_query(self, on_date, row_filter):
        """The view's SELECT, aged at ``on_date`` over the rows matching ``row_filter`` (the monthly
        report ages the ledger at a month's end with the rows dated up to it)."""
        return SQL(
            """
            SELECT balances.*,
                   CASE WHEN months_idle < 3 THEN '0_3'
                        WHEN months_idle < 6 THEN '3_6'
                        WHEN months_idle < 12 THEN '6_12'
                        WHEN months_idle < 24 THEN '12_24'
                        ELSE '24_plus' END AS age_bucket
              FROM (
                SELECT contract.id AS id,
                       contract.id AS contract_id,
                       contract.partner_id AS partner_id,
                       svm.company_id AS company_id,
                       svm.currency_id AS currency_id,
                       SUM(svm.amount_principal) AS balance_principal,
                       SUM(svm.amount_bonus) AS balance_bonus,
                       MAX(svm.date) AS date_last_move,
                       (EXTRACT(YEAR FROM AGE(%(on_date)s::date, MAX(svm.date))) * 12
                        + EXTRACT(MONTH FROM AGE(%(on_date)s::date, MAX(svm.date))))::integer AS months_idle
                  FROM clinic_stored_value_move svm
                  JOIN clinic_prepaid_contract contract ON contract.id = svm.contract_id
                 WHERE svm.state = 'posted' %(row_filter)s
              GROUP BY contract.id, contract.partner_id, svm.company_id, svm.currency_id
                HAVING SUM(svm.amount_principal) != 0 OR SUM(svm.amount_bonus) != 0
              ) balances
            """,
            on_date=on_date,
            row_filter=row_filter,
        )
