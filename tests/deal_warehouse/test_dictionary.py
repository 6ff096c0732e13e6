"""The data dictionary is generated from the model headers and must be committed up to date."""

from assets.warehouse import dictionary
from assets.warehouse.models import models, tables


def test_the_data_dictionary_matches_the_model_headers(capsys):
    assert dictionary.main(["--check"]) == 0, capsys.readouterr().out


def test_it_lists_every_table_and_column():
    text = dictionary.OUTPUT.read_text(encoding="utf-8")
    for model in (*models(), *tables()):
        assert f"### {model.name}\n" in text
        for column in model.columns:
            assert f"| `{column.name}` | {column.type} |" in text
    assert "## Reading while the pipeline runs" in text
