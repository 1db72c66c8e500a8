"""The words each language uses for days, months and times of day, as regular expressions over
the plain form of a message (flows/nlu_text.py: lower case, no Latin accents, Simplified
Chinese). Read by flows/nlu_dates.py; one table per language, nothing else here.
"""

from __future__ import annotations

# Monday first, as date.weekday() counts.
WEEKDAYS = {
    "en": (r"monday|mon", r"tuesday|tues|tue", r"wednesday|wednes?day|weds|wed", r"thursday|thurs|thur|thu",
           r"friday|fri|firday|fryday", r"saturday|sat", r"sunday|sun"),
    "es": (r"lunes", r"martes", r"miercoles", r"jueves", r"viernes|vienres", r"sabado", r"domingo"),
    "pt": (r"segunda(?:-feira| feira)?", r"terca(?:-feira| feira)?", r"quarta(?:-feira| feira)?",
           r"quinta(?:-feira| feira)?", r"sexta(?:-feira| feira)?", r"sabado", r"domingo"),
    "id": (r"(?:hari )?senin", r"(?:hari )?selasa", r"(?:hari )?rabu", r"(?:hari )?kamis",
           r"(?:hari )?jum'?at|(?:hari )?jumaat", r"(?:hari )?sabtu", r"hari minggu|(?:hari )?ahad"),
    "ru": (r"понедельник\w*", r"вторник\w*", r"сред[ауые]", r"четверг\w*", r"пятниц\w*", r"суббот\w*",
           r"воскресень\w*"),
}
# "next Friday": the weekday of the next calendar week; "this Friday": of this week.
NEXT_BEFORE = {
    "en": r"next", "es": r"(?:el )?proximo|(?:la )?proxima", "pt": r"(?:na |no )?proxim[ao]",
    "ru": r"(?:в |во )?следующ\w+", "id": r"",
}
NEXT_AFTER = {
    "en": r"", "es": r"que viene|proximo", "pt": r"que vem|da semana que vem", "id": r"depan|minggu depan",
    "ru": r"",
}
THIS_BEFORE = {
    "en": r"this|this coming|coming", "es": r"(?:el )?este", "pt": r"(?:nesta|nessa|esta|essa|neste|este)",
    "ru": r"(?:в |во )?(?:эт\w+|ближайш\w+)", "id": r"",
}
THIS_AFTER = {"en": r"", "es": r"", "pt": r"", "id": r"ini|nanti", "ru": r""}
ON = {"en": r"(?:on |by |this )?", "es": r"(?:el |para el |hasta el )?", "pt": r"(?:na |no |ate |até )?",
      "id": r"(?:pada |hari |tgl )?", "ru": r"(?:в |во |до |к |на )?"}

# Days counted from today.
RELATIVE = {
    "en": ((r"day after tomorrow|day after tmrw", 2),
           (r"tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|2moro|tmro", 1),
           (r"today|tonight|right now|now", 0)),
    "es": ((r"pasado manana|pasado mañana", 2), (r"manana|mañana|mñn", 1), (r"hoy|ahora", 0)),
    "pt": ((r"depois de amanha", 2), (r"amanha|amanhã|amnh", 1), (r"hoje|agora", 0)),
    "id": ((r"lusa|besok lusa", 2), (r"besok|besuk|bsk|esok", 1), (r"hari ini|sekarang", 0)),
    "ru": ((r"послезавтра", 2), (r"завтра|звтр", 1), (r"сегодня|сейчас", 0)),
    "zh": ((r"后天", 2), (r"明天|明日|明儿", 1), (r"今天|今日|今晚|现在|马上", 0)),
}
IN_DAYS = {
    "en": r"in (\d{1,2}) days?|(\d{1,2}) days? from (?:now|today)",
    "es": r"en (\d{1,2}) dias?|dentro de (\d{1,2}) dias?",
    "pt": r"(?:em|daqui a|dentro de) (\d{1,2}) dias?",
    "id": r"(\d{1,2}) hari lagi|dalam (\d{1,2}) hari",
    "ru": r"через (\d{1,2}) (?:день|дня|дней)",
    "zh": r"(\d{1,2})天(?:后|之后|以后)",
}
IN_A_WEEK = {
    "en": r"in a week|in one week|a week from (?:now|today)", "es": r"en una semana|dentro de una semana",
    "pt": r"(?:em|daqui a|dentro de) uma semana", "id": r"seminggu lagi|satu minggu lagi|dalam seminggu",
    "ru": r"через неделю", "zh": r"一周后|一个星期后|一个礼拜后|下个礼拜的今天",
}
MONTH_END = {
    "en": r"(?:the )?end of (?:the |this )?month|month end", "es": r"(?:a )?fin(?:al)? de(?:l)? mes",
    "pt": r"(?:no )?(?:fim|final) do mes", "id": r"akhir bulan", "ru": r"(?:в )?конц\w* месяца",
    "zh": r"月底|月末",
}
MONTHS = {
    "en": (r"january|jan", r"february|feb", r"march|mar", r"april|apr", r"may", r"june|jun", r"july|jul",
           r"august|aug", r"september|sept|sep", r"october|oct", r"november|nov", r"december|dec"),
    "es": (r"enero|ene", r"febrero|feb", r"marzo|mar", r"abril|abr", r"mayo|may", r"junio|jun", r"julio|jul",
           r"agosto|ago", r"septiembre|setiembre|sept?", r"octubre|oct", r"noviembre|nov", r"diciembre|dic"),
    "pt": (r"janeiro|jan", r"fevereiro|fev", r"marco|mar", r"abril|abr", r"maio|mai", r"junho|jun",
           r"julho|jul", r"agosto|ago", r"setembro|set", r"outubro|out", r"novembro|nov", r"dezembro|dez"),
    "id": (r"januari|jan", r"februari|feb", r"maret|mar", r"april|apr", r"mei", r"juni|jun", r"juli|jul",
           r"agustus|agu|agt", r"september|sep", r"oktober|okt", r"november|nov", r"desember|des"),
    "ru": (r"январ\w*", r"феврал\w*", r"март\w*", r"апрел\w*", r"ма[йяе]", r"июн\w*", r"июл\w*",
           r"август\w*", r"сентябр\w*", r"октябр\w*", r"ноябр\w*", r"декабр\w*"),
}
# A day of this month (or the next, once it has passed): "the 15th", "el 15", "15 числа", "15号".
DAY_OF_MONTH = {
    "en": r"(?:on |by )?the (\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)\b",
    "es": r"(?:el )?dia (\d{1,2})\b|\bel (\d{1,2})\b(?! ?(?:de|dias?|%))",
    "pt": r"(?:no |ate o |ate )?dia (\d{1,2})\b",
    "id": r"(?:tanggal|tgl\.?) ?(\d{1,2})\b",
    "ru": r"(\d{1,2})(?:-?го)? числа",
    "zh": r"(\d{1,2})(?:号|日)",
}
# Times of day for a call-back, checked before days ("mañana por la mañana": the morning of tomorrow).
WINDOW_WORDS = {
    "en": ((r"(?:in the |this |tomorrow )?morning|early", "morning"),
           (r"(?:in the |this |tomorrow )?afternoon|lunch ?time|at lunch|midday|noon", "afternoon"),
           (r"(?:in the |this |tomorrow )?evening|tonight|at night|after work", "evening")),
    "es": ((r"(?:por|en|de) la manana|temprano", "morning"),
           (r"(?:por|en|de) la tarde|al mediodia", "afternoon"),
           (r"(?:por|en|de) la noche|esta noche", "evening")),
    "pt": ((r"(?:de|pela|na|da) manha", "morning"),
           (r"(?:a|de|pela|na|da) tarde|hora do almoco", "afternoon"),
           (r"(?:a|de|pela|na|da) noite|hoje a noite", "evening")),
    "id": ((r"pagi(?: hari)?", "morning"), (r"siang(?: hari)?|sore(?: hari)?", "afternoon"),
           (r"malam(?: hari)?|nanti malam", "evening")),
    "ru": ((r"утром|с утра|утра", "morning"), (r"днем|днём|после обеда|в обед|дня", "afternoon"),
           (r"вечером|вечера|вечерком", "evening")),
    "zh": ((r"上午|早上|早晨|早点", "morning"), (r"下午|中午|午饭", "afternoon"),
           (r"晚上|傍晚|今晚|晚点|下班后", "evening")),
}
# An hour: (pattern with the hour in group 1 and an optional marker in group 2, the marker's
# afternoon words). Hours 1 to 7 with no marker are taken as the afternoon or evening ("after 6").
HOUR = {
    "en": (r"(?:after|at|around|before|from|by|about|past) (\d{1,2})(?::\d{2})? ?(am|pm|a\.m\.|p\.m\."
        r"|o'?clock)?"
           r"|\b(\d{1,2})(?::\d{2})? ?(am|pm|a\.m\.|p\.m\.)", ("pm", "p.m.")),
    "es": (r"(?:a las|despues de las|antes de las|sobre las|desde las) (\d{1,2})(?::\d{2})?( ?h| ?pm| ?am)?",
           ("pm",)),
    "pt": (r"(?:as|depois das|antes das|a partir das|la pelas|pelas) (\d{1,2})(?::\d{2})?( ?h| ?horas)?"
           r"|\b(\d{1,2}) ?(h|horas)\b", ()),
    "id": (r"(?:jam|pukul|pkl\.?|setelah jam|sesudah jam|habis jam) ?(\d{1,2})(?:[:.]\d{2})?()", ()),
    "ru": (r"(?:в|после|до|около|к) (\d{1,2})(?::\d{2})?( ?час\w*)?", ()),
    "zh": (r"(\d{1,2})(点|点钟|时)(?:以后|之后|后|左右|前)?", ()),
}
