"""Pinyin of Chinese names, computed on write so search needs no function at query time."""

from pypinyin import Style, lazy_pinyin


def name_pinyin(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三; letters and digits in the name pass through lower-cased."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="default") if s.strip()]
    initials = [
        s.lower()
        for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
        if s.strip()
    ]
    return "".join(syllables)[:128], "".join(initials)[:32]
