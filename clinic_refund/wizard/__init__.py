from . import clinic_contract_scan_upload
from . import clinic_stored_value_topup
from . import clinic_stored_value_pay
from . import clinic_stored_value_reconciliation
from . import clinic_refund_pay
from . import clinic_stored_value_adjust
from . import clinic_checkout
from . import clinic_checkout_line
