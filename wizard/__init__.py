from . import dunning_send_wizard
from . import dunning_aging_wizard
from . import dunning_log_call
from . import dunning_pack_apply
from . import dunning_payment_recovery_metrics
from . import dunning_collection_close
from . import dunning_collection_handover
