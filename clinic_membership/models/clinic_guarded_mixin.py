import base64
import binascii
import math
from collections import defaultdict
from datetime import date

from odoo import Command, api, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ..tools.protected import refuse_direct_write

CLINIC_MODULES = ("clinic_membership", "clinic_refund", "clinic_campaign")
INT_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's integer
MAX_AMOUNT = 1e12  # far above any clinic's figure: a larger number is a typing error or an attack
MAX_LENGTH = {"char": 1_000, "text": 20_000, "html": 200_000}
# A btree index row holds at most 2,704 bytes: 256 characters of up to 4 bytes, even twice (a
# contact's complete name is its company's name and its own).
MAX_INDEXED_LENGTH = 256
BTREE_INDEXES = (True, "btree", "btree_not_null")
MAX_FILE_BYTES = 25 * 1024 * 1024
YEAR_RANGE = (1900, 2200)
# No clinic signed a contract or took money before this day: an earlier business date is a typo or an attack.
EARLIEST_BUSINESS_DATE = date(2000, 1, 1)


class ClinicGuardedMixin(models.AbstractModel):
    """Clean refusals of bad input, and fields that only the application writes.

    Every value a client gives a clinic field is checked before the ORM sees it (type, range,
    length, date, selection, base64, NUL characters), so that bad input gets a ValidationError,
    never a traceback. A user (any call without ``sudo()``) may only give the fields of
    ``_clinic_writable_fields()`` on create and write: states, ledger amounts, quotes and other
    derived fields move through the model's actions, which raise privilege with ``sudo()``.
    """

    _name = "clinic.guarded.mixin"
    _description = "Clinic guarded model"

    # Fields a user may give directly; None: every field but ``_clinic_protected_fields``.
    _clinic_user_fields = None
    # With ``_clinic_user_fields = None`` (models the clinic extends): the fields only flows write.
    _clinic_protected_fields = ()
    # Text fields indexed by an expression (not by their field's ``index``): kept as short as indexed ones.
    _clinic_indexed_texts = ()

    @api.model_create_multi
    def create(self, vals_list):
        allowed = self.browse()._clinic_creatable_fields()
        if not self.env.su:  # the application's own values (privilege raised) are its to check
            self._clinic_check_values_list(vals_list)
            for vals in vals_list:
                self._clinic_check_user_fields(vals, allowed)
        # a client's default_<field> context keys never give what she may not (nor to the actions
        # that create records with privilege raised on her behalf)
        model = self._clinic_without_protected_defaults(allowed)
        vals_list = [model._clinic_complete_create_vals(dict(vals)) for vals in vals_list]
        return super(ClinicGuardedMixin, model).create(vals_list)

    def copy_data(self, default=None):
        """A duplicate carries what a user may type, and what ``default`` gives: what the application
        computes or its actions set (numbers, states, quotes, signatures) starts anew on the copy."""
        vals_list = super().copy_data(default)
        if self.env.su:
            return vals_list
        allowed = self.browse()._clinic_creatable_fields()
        given = set(default or ())
        return [
            {name: value for name, value in vals.items() if name in given or self._clinic_user_may_give(name, allowed)}
            for vals in vals_list
        ]

    def write(self, vals):
        self._clinic_check_values(vals)
        if not self.env.su:
            self._clinic_check_user_fields(vals, self._clinic_writable_fields())
        return super().write(vals)

    # ------------------------------------------------------------------ what users write

    def _clinic_writable_fields(self):
        """Names of the fields a user may write on ``self`` (None: all of them)."""
        return None if self._clinic_user_fields is None else set(self._clinic_user_fields)

    def _clinic_creatable_fields(self):
        return self._clinic_writable_fields()

    def _clinic_complete_create_vals(self, vals):
        """Values the application adds to a new record (its number...): override to complete ``vals``."""
        return vals

    def _clinic_user_may_give(self, name, allowed):
        """Whether a user may give field ``name`` directly (``allowed``: see _clinic_writable_fields)."""
        field = self._fields.get(name)
        if field is None or field._module not in CLINIC_MODULES or name == "id":
            return True
        return name not in self._clinic_protected_fields if allowed is None else name in allowed

    def _clinic_without_protected_defaults(self, allowed):
        """``self`` without the client's ``default_<field>`` context keys of fields it may not give."""
        context = {
            key: value
            for key, value in self.env.context.items()
            if not (key.startswith("default_") and not self._clinic_user_may_give(key[8:], allowed))
        }
        return self.with_env(self.env(context=context)) if len(context) != len(self.env.context) else self

    def _clinic_check_user_fields(self, vals, allowed):
        refused = [name for name in vals if not self._clinic_user_may_give(name, allowed)]
        if refused:
            refuse_direct_write(self, refused)

    # ------------------------------------------------------------------ input checks

    def _clinic_check_values(self, vals):
        self._clinic_check_values_list([vals])

    def _clinic_check_values_list(self, vals_list):
        """Check the values of ``vals_list``; the records they refer to are looked up once per model."""
        references = defaultdict(set)
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is None:
                    raise ValidationError(
                        self.env._("%(model)s has no field %(field)s.", model=self._description, field=name)
                    )
                if value is None or value is False:
                    continue
                if field._module not in CLINIC_MODULES:
                    self._clinic_check_other_addon_value(field, value)
                    continue
                check = getattr(self, f"_clinic_check_{field.type}_value", None)
                if check:
                    check(field, value)
                if field.type == "many2one":
                    references[field].add(value.id if isinstance(value, models.BaseModel) else value)
                if field.type == "monetary":
                    self._clinic_check_currency_precision(field, value, vals)
        for field, ids in references.items():
            missing = ids - set(self.env[field.comodel_name].sudo().browse(ids).exists().ids)
            if missing:
                raise self._clinic_bad_value(field, self.env._("the record %s does not exist.", min(missing)))

    def _clinic_bad_value(self, field, message):
        return ValidationError(
            self.env._(
                "%(field)s: %(problem)s",
                field=field._description_string(self.env),
                problem=message,
            )
        )

    def _clinic_check_integer_value(self, field, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._clinic_bad_value(field, self.env._("a whole number is expected."))
        if not INT_RANGE[0] <= value <= INT_RANGE[1]:
            raise self._clinic_bad_value(field, self.env._("%s is too large.", value))

    def _clinic_check_float_value(self, field, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._clinic_bad_value(field, self.env._("a number is expected."))
        if not math.isfinite(value):
            raise self._clinic_bad_value(field, self.env._("a finite number is expected."))
        if abs(value) > MAX_AMOUNT:
            raise self._clinic_bad_value(field, self.env._("%s is too large.", value))

    _clinic_check_monetary_value = _clinic_check_float_value

    def _clinic_check_currency_precision(self, field, value, vals):
        """Amounts with more decimals than their currency are refused, never silently rounded."""
        currency_field = field.get_currency_field(self)
        currency = self.env["res.currency"]
        if vals.get(currency_field):
            currency = currency.browse(vals[currency_field])
        elif len(self) == 1 and currency_field in self._fields:
            currency = self[currency_field]
        currency = currency or self.env.company.currency_id
        if float_compare(value, currency.round(value), precision_digits=10) != 0:
            raise self._clinic_bad_value(
                field,
                self.env._(
                    "%(amount)s has more decimals than %(currency)s allows (%(digits)s).",
                    amount=value,
                    currency=currency.name,
                    digits=currency.decimal_places,
                ),
            )

    def _clinic_check_other_addon_value(self, field, value):
        """Texts of other addons' fields on a clinic model (a contact's name, phone...): what PostgreSQL
        would refuse with a traceback is refused cleanly; other values are those addons' business."""
        if field.type in MAX_LENGTH and isinstance(value, str):
            self._clinic_check_text(field, value)

    def _clinic_check_char_value(self, field, value):
        if not isinstance(value, str):
            raise self._clinic_bad_value(field, self.env._("a text is expected."))
        self._clinic_check_text(field, value)

    def _clinic_text_limit(self, field):
        """The most characters ``field`` takes (None: no limit of the clinic's)."""
        if field.index in BTREE_INDEXES or field.name in self._clinic_indexed_texts:
            return MAX_INDEXED_LENGTH
        if field._module in CLINIC_MODULES or field.type == "char":
            return MAX_LENGTH[field.type]
        return None

    def _clinic_check_text(self, field, value):
        if "\x00" in value:
            raise self._clinic_bad_value(
                field, self.env._("the text contains a NUL character, which cannot be stored.")
            )
        limit = self._clinic_text_limit(field)
        if limit and len(value) > limit:
            raise self._clinic_bad_value(
                field,
                self.env._(
                    "the text is too long (%(length)s characters, at most %(limit)s).", length=len(value), limit=limit
                ),
            )

    _clinic_check_text_value = _clinic_check_char_value
    _clinic_check_html_value = _clinic_check_char_value

    def _clinic_check_selection_value(self, field, value):
        allowed = [key for key, _label in field._description_selection(self.env)]
        if not isinstance(value, str) or value not in allowed:
            raise self._clinic_bad_value(field, self.env._("%s is not one of the allowed values.", value))

    def _clinic_check_date_value(self, field, value):
        try:
            parsed = field.to_date(value) if field.type == "date" else field.to_datetime(value)
        except (TypeError, ValueError):
            parsed = None
        if not parsed:
            raise self._clinic_bad_value(field, self.env._("%s is not a valid date.", value))
        if not YEAR_RANGE[0] <= parsed.year <= YEAR_RANGE[1]:
            raise self._clinic_bad_value(field, self.env._("%s is not a plausible date.", value))

    _clinic_check_datetime_value = _clinic_check_date_value

    def _clinic_check_many2one_value(self, field, value):
        if isinstance(value, models.BaseModel):
            value = value.id
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > INT_RANGE[1]:
            raise self._clinic_bad_value(field, self.env._("a record is expected."))

    def _clinic_check_binary_value(self, field, value):
        if isinstance(value, str):
            value = value.encode()
        if not isinstance(value, bytes):
            raise self._clinic_bad_value(field, self.env._("a file is expected."))
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise self._clinic_bad_value(field, self.env._("the file is not valid base64 data.")) from None
        if len(data) > MAX_FILE_BYTES:
            raise self._clinic_bad_value(field, self.env._("the file is larger than 25 MB."))

    def _clinic_check_one2many_value(self, field, value):
        """Lines created or changed with their record are checked as their own model checks them, before
        the record's amounts are computed from them."""
        lines = self.env[field.comodel_name]
        if not isinstance(lines, ClinicGuardedMixin) or not isinstance(value, list | tuple):
            return
        lines._clinic_check_values_list(
            [
                command[2]
                for command in value
                if isinstance(command, list | tuple)
                and len(command) == 3
                and command[0] in (Command.CREATE, Command.UPDATE)
                and isinstance(command[2], dict)
            ]
        )

    _clinic_check_many2many_value = _clinic_check_one2many_value

    def _clinic_check_boolean_value(self, field, value):
        if not isinstance(value, bool | int):
            raise self._clinic_bad_value(field, self.env._("true or false is expected."))
