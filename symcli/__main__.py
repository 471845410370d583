"""`python -m symcli` is the same program as `symcli`."""
from .cli import main

main(prog_name="symcli")
