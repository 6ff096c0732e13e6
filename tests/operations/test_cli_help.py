"""`dealsync --help` says "Run `dealsync COMMAND --help` for a command's options": every command
must answer that, the emulator's pass-through included."""

import pytest

from pipelines.cli import COMMANDS, main


@pytest.mark.parametrize("command", [c.__name__.rsplit(".", 1)[-1] for c in COMMANDS])
def test_every_command_answers_help(command, capsys):
    with pytest.raises(SystemExit) as leaving:
        main([command, "--help"])
    assert leaving.value.code == 0
    assert capsys.readouterr().out.startswith("usage: ")
