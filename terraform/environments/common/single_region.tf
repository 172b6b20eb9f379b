# An environment without a standby region: nothing is replicated out of its stack (prod-with-dr's
# dr.tf sets these for its primary instead of linking this file).

locals {
  standby_pairing = {
    replication          = null
    ingress_prefix_lists = {}
    emulator_gaps        = {}
  }
}
