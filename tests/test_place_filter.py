"""The learned place filter drops ordinary words the resolver took for villages abroad and keeps real places."""
from __future__ import annotations

import rasd
from rasd.runner.pipeline import Pipeline
from rasd.runner.resources import Resources
from rasd.ingest import document_from_text

PRETEXT = "رفضت الحكومة الطلب بحجة الظروف الأمنية في البلاد."  # بحجة: "on the pretext of", not Hajjah in Yemen
WITHDRAW = "اضطرت ميليشيات الحوثي إلى سحب جثث قتلاها من جبهة صعدة."  # سحب: "withdrawing", not the village Sahhab


def _places(text: str, filter_places: bool) -> list[tuple[str, str]]:
    pipeline = Pipeline.default(Resources(filter_places=filter_places))
    doc = pipeline(document_from_text(text, published="2018-03-02"))
    return [(p.name_en, p.country) for p in doc.places]


def test_the_filter_drops_an_ordinary_word_the_resolver_read_as_a_village():
    assert _places(WITHDRAW, filter_places=False) == [("Sahhab", "YE"), ("Sa`dah", "YE")]
    assert _places(WITHDRAW, filter_places=True) == [("Sa`dah", "YE")]


def test_on_the_pretext_of_is_an_idiom_not_hajjah():
    assert _places(PRETEXT, filter_places=False) == []  # the resolver read Hajjah here, and a CRF trained on Yemen's news a LOC
    assert _places("وأكدت أن القصف طال أحياء في حجة وصعدة.", filter_places=False) == [("Hajjah", "YE"), ("Sa`dah", "YE")]


def test_the_filter_keeps_the_same_name_where_it_is_a_place():
    doc = rasd.analyze("قصفت طائرات التحالف مواقع للحوثيين في محافظة حجة شمال غربي اليمن.", published="2018-03-02")
    assert ("Hajjah", "YE") in [(p.name_en, p.country) for p in doc.places]


def test_peninsula_and_fabrication_are_ordinary_words_not_algiers_or_villages():
    # "شبه الجزيرة" (the peninsula) was Algiers and a village in Iran, "فبركة" (fabricating) a village in Iraq
    assert _places("سعى الرئيس إلى الحد من عزلة شبه الجزيرة بعد ضمها.", filter_places=False) == []
    assert _places("واتهم الكاميرات بفبركة هجوم كيميائي في المدينة.", filter_places=False) == []
    # after a head word it is still a place: Sudan's Gezira state
    assert ("Gezira", "SD") in _places("اندلعت اشتباكات في ولاية الجزيرة وسط السودان.", filter_places=True)


def test_a_country_name_with_tanween_is_an_adjective_not_the_country():
    # "رجلا سورياً" is a Syrian man; a place name takes no tanween
    assert _places("يقولون إن رجلا سورياً عاش نحو سبعة أشهر في المطار.", filter_places=False) == []
    assert ("Syria", "SY") in _places("قتل ثلاثة في غارة على إدلب في سوريا.", filter_places=False)


def test_a_counted_nationality_is_not_its_country_but_a_place_after_a_year_is_a_place():
    assert _places("اتهم المحقق 13 روسيا بالتدخل في الانتخابات.", filter_places=False) == []  # 13 Russians
    assert _places("أعلنت إسرائيل عام 1980 القدس عاصمة لها.", filter_places=False) == [("Israel", "IL"),
                                                                                      ("Jerusalem", "IL")]


def test_a_place_name_inside_a_treaty_a_person_or_a_centre_is_not_a_place():
    assert _places("انضمت فلسطين إلى اتفاقية روما المؤسسة للمحكمة.", filter_places=False) == [("Palestinian Territory", "PS")]
    assert _places("عزفت الفرقة اللحن في تحية جورج واشنطن.", filter_places=False) == []
    assert _places("قال رئيس مركز البحرين لحقوق الإنسان إن المحكمة أجلت الجلسة.", filter_places=False) == []


def test_the_country_whose_embassy_it_is_is_not_where_it_is():
    assert _places("حاول متظاهرون اقتحام سفارة إيران في لندن.", filter_places=False) == [("London", "GB")]
    assert _places("وصل السفير إلى إيران بعد إغلاق السفارة.", filter_places=False) == [("Iran", "IR")]


def test_a_place_in_an_institution_s_name_is_not_a_place_but_one_where_the_institution_is_is():
    # "مستشفى عفرين" is the hospital's name; "مستشفى بعفرين" is a hospital in Afrin
    assert _places("قال مدير مستشفى عفرين إن القصف استهدف محيطه.", filter_places=False) == []
    assert _places("قال طبيب في مستشفى بعفرين إن القصف استمر.", filter_places=False) == [("‘Afrīn", "SY")]
    assert _places("وفتحت نيابة باريس تحقيقا، وألغت محكمة اللد الحكم.", filter_places=False) == []


def test_a_country_name_that_is_also_its_adjective_is_the_adjective_after_a_definite_noun():
    text = "وصلت الطائرات السعودية إلى قاعدة في السعودية."  # Saudi aircraft, in Saudi Arabia
    doc = Pipeline.default(Resources(filter_places=False))(document_from_text(text, published="2018-03-02"))
    assert [(p.name_en, p.start) for p in doc.places] == [("Saudi Arabia", text.rindex("السعودية"))]


def test_the_adjective_reading_needs_a_noun_before_not_a_preposition_or_a_listed_place():
    # "إلى" and "اليمن" start with what looks like the article: neither is a noun the name could agree with
    text = "نقل المرضى من صنعاء إلى السعودية، وتدور اشتباكات على الحدود بين اليمن والسعودية."
    doc = Pipeline.default(Resources(filter_places=False))(document_from_text(text, published="2018-03-02"))
    saudi = [p.start for p in doc.places if p.name_en == "Saudi Arabia"]
    assert saudi == [text.index("السعودية"), text.rindex("السعودية")]


def test_a_yemeni_governorate_named_alone_is_the_province_and_with_madina_the_city():
    doc = rasd.analyze("تدور معارك عنيفة في البيضاء، وقصفت الطائرات مدينة البيضاء.", published="2018-06-01")
    (province, city) = [(p.feature_code, p.precision, round(p.lat, 1)) for p in doc.places]
    assert province == ("ADM1", 3, 14.3)
    assert city[0] != "ADM1" and city[2] == 14.0


def test_a_province_named_with_its_head_word_is_the_province_not_its_capital():
    # the airport, beside the capital, had made the capital the nearer reading of "محافظة الحديدة"
    doc = rasd.analyze("وصلت القوات إلى مطار الحديدة، بينما تتواصل المعارك في محافظة الحديدة.", published="2018-06-01")
    province = doc.places[-1]
    assert (province.text, province.feature_code, province.precision) == ("محافظة الحديدة", "ADM1", 3)
    assert (round(province.lat, 1), round(province.lon, 1)) == (14.9, 43.2)  # the city lies at 14.8, 42.9
