"""Typed text made comparable: one form per letter, so that the word tables stay short.

NFKC (full-width digits and letters become ASCII), case folded, Latin accents dropped ("mañana"
and "manana" are one word), ё read as е, and Traditional Chinese characters read as their
Simplified forms, so one table serves both Chinese catalogs.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_LATIN = str.maketrans("áàâãäéèêëíìîïóòôõöúùûüçñ’‘`´", "aaaaaeeeeiiiiooooouuuucn''''")
_CYRILLIC = str.maketrans("ё", "е")
# Traditional -> Simplified, for the characters the word tables use.
_TRAD = (
    "後個還錢週號電話訊語謝幫劃計務債沒業醫療錯經額發給請聯繫絡餘單帳賬戶這們麼點時間"
    "開關見嗎轉銀兩對應該體簡換說員與書處難無資職辭丟讓別騷擾來盡禮僅門碼問題聽為兒夠"
    "幾筆張長從裡裏數據準確認實際總負擔壓車禍離過喪續復訂閱傳會還臺灣種類帶啟歡謝謝見"
    "辦寬氣爾識幣塊剛裁聊約萬億態況詢查該騙盜冒竊費罰滯納號碼協頭緊詐記錄響歷曆鐘線網"
    "紀級償貸預專熱雜蘋樣減誤壞產貨買賣學習愛東區場現馬態擬議論質證較標準際導絕斷權約"
    "勵顧環類額態"
)
_SIMP = (
    "后个还钱周号电话讯语谢帮划计务债没业医疗错经额发给请联系络余单账账户这们么点时间"
    "开关见吗转银两对应该体简换说员与书处难无资职辞丢让别骚扰来尽礼仅门码问题听为儿够"
    "几笔张长从里里数据准确认实际总负担压车祸离过丧续复订阅传会还台湾种类带启欢谢谢见"
    "办宽气尔识币块刚裁聊约万亿态况询查该骗盗冒窃费罚滞纳号码协头紧诈记录响历历钟线网"
    "纪级偿贷预专热杂苹样减误坏产货买卖学习爱东区场现马态拟议论质证较标准际导绝断权约"
    "励顾环类额态"
)
_HANT = str.maketrans(_TRAD, _SIMP)


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """The comparable form of a typed message: same length as NFKC would give is not promised,
    so every span the readers report refers to this form."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(folded.translate(_LATIN).translate(_CYRILLIC).translate(_HANT).split())


def language_of(locale: str) -> str:
    """A catalog locale's word table: pt_BR -> pt, zh_Hans and zh_Hant -> zh."""
    return locale.split("_")[0] if locale else "en"


def blank(text: str, start: int, end: int) -> str:
    """The text with one span replaced by spaces, so later readers do not read it twice."""
    return text[:start] + " " * (end - start) + text[end:]
