from . import controllers
from . import models
from . import report
from . import wizard


def post_init_hook(env):
    """The job queue's 'root.dunning' channel, where queue_job is installed."""
    env["dunning.letter"]._dunning_queue_job_setup()
