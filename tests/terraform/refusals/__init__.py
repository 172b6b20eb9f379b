"""The exact messages of the Terraform modules' refusal runs, one file per module (MESSAGES: run
name -> (diagnostic summary, message)), read by tests/terraform/test_validation_messages.py."""

VARIABLE = "Invalid value for variable"
PRECONDITION = "Resource precondition failed"
