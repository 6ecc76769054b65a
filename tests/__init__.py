from . import test_dunning_level
from . import test_dunning_run
from . import test_dunning_letter
from . import test_dunning_send
from . import test_tours
from . import test_dunning_report
