from . import dunning_aging_mixin
from . import dunning_aging_report
from . import dunning_effectiveness_report
from . import dunning_dso_report
from . import dunning_qr_bill_report
from . import dunning_aging_customer_report
