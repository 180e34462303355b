from . import clinic_prepaid_contract_demo
from . import clinic_refund_request_demo
