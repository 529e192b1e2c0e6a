from events.text import clean_report_text, leading_date


def test_debris_lines_go_and_paragraphs_stay():
    raw = (
        " date 2024-03-23 First para\ncontinues.\n\nAdvertisment\n\n"
        "Second.\n\n\n\nADVERTISEMENT\nThird."
    )
    assert clean_report_text(raw) == "First para continues.\n\nSecond.\n\nThird."


def test_words_containing_advertisement_are_kept():
    raw = "The advertisment budget grew.\n\nAdvertisment"
    assert clean_report_text(raw) == "The advertisment budget grew."


def test_empty_and_dateline():
    assert clean_report_text("") == ""
    assert leading_date(" date 2024-03-23 Following") == "2024-03-23"
    assert leading_date("Following") is None
