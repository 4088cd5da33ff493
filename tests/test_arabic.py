from rasd.text.arabic import clitic_variants, detect_language, normalize, split_sentences, tokenize
from rasd.text.dates import hijri_to_gregorian, parse_explicit_date
from datetime import date


def test_normalize_folds_letters_digits_and_marks():
    assert normalize("أإآٱ") == "اااا"
    assert normalize("مستشفى") == "مستشفي"
    assert normalize("حماة") == "حماه"
    assert normalize("مُسَلَّح") == "مسلح"
    assert normalize("الـــجيش") == "الجيش"
    assert normalize("١٣ ۲۰۰") == "13 200"
    assert normalize("Sputnik") == "sputnik"


def test_tokens_keep_offsets_into_the_text():
    text = "وقالت “سبوتنيك”: قُتل 13 مسلحاً."
    toks = tokenize(text)
    assert [t.text for t in toks] == ["وقالت", "“", "سبوتنيك", "”", ":", "قُتل", "13", "مسلحاً", "."]
    for t in toks:
        assert text[t.start:t.end] == t.text
    assert toks[5].norm == "قتل"


def test_clitic_variants_strip_conjunctions_prepositions_and_article():
    assert clitic_variants("وبريف") == ("وبريف", "ريف", "بريف")
    assert "الحزب" in clitic_variants("للحزب") and "حزب" in clitic_variants("للحزب")
    assert "مدينه" in clitic_variants("لمدينه")
    assert "حماه" in clitic_variants("بحماه")
    assert clitic_variants("و") == ("و",)


def test_sentences_split_on_arabic_punctuation_and_lines_not_on_decimals():
    text = "قتل 3.5 ألف شخص. هل انتهت الحرب؟ قال: “نعم”؛ ثم غادر\nسطر جديد"
    spans = [text[s.start:s.end] for s in split_sentences(text)]
    assert spans == ["قتل 3.5 ألف شخص.", "هل انتهت الحرب؟", "قال: “نعم”؛", "ثم غادر", "سطر جديد"]


def test_language_identification():
    assert detect_language("قال مصدر عسكري إن الاشتباكات استمرت طوال الليل في ريف حلب") == "ar"
    assert detect_language("The army said clashes continued through the night near Aleppo city.") == "en"
    assert detect_language("گزارش‌ها حاکی از آن است که نیروهای ارتش در نزدیکی شهر پیشروی کردند و چند روستا") == "fa"
    assert detect_language("12 34 !!") == "und"
    assert detect_language("وصل الوفد إلى دمشق أمس.") == "ar"  # a one-line report is Arabic already
    assert detect_language("في 12 !!") == "und"


def test_explicit_dates_in_three_calendars():
    ref = date(2026, 11, 20)
    assert parse_explicit_date("دمشق - 12 تشرين الثاني 2026", ref) == (date(2026, 11, 12), 1)
    assert parse_explicit_date("في 3 نوفمبر", ref) == (date(2026, 11, 3), 1)
    assert parse_explicit_date("في 25 ديسمبر", ref) == (date(2025, 12, 25), 1)  # no year: the most recent past one
    assert parse_explicit_date("خلال شهر آذار 2025", ref) == (date(2025, 3, 1), 3)
    # a month named twice ("آذار/مارس", "أيار (مايو)") keeps the year after it, spaced or not
    assert parse_explicit_date("في 31 تموز/يوليو 2015، أضرم", ref) == (date(2015, 7, 31), 1)
    assert parse_explicit_date("وفي24 آذار/مارس2016 أوقفت", ref) == (date(2016, 3, 24), 1)
    assert parse_explicit_date("في 14 أيار (مايو) 2018 قتل", ref) == (date(2018, 5, 14), 1)
    d, _ = parse_explicit_date("1 رمضان 1447 هـ", ref)
    assert abs((d - date(2026, 2, 18)).days) <= 2
    assert hijri_to_gregorian(1447, 13, 1) is None
