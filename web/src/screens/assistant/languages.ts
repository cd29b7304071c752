// The languages offered for drafts and translations, named in the reader's own language.
export const LANGUAGES = ['fr', 'en', 'de', 'es', 'it', 'nl', 'pt'] as const;

export function languageName(code: string, uiLanguage: string): string {
  const name = new Intl.DisplayNames([uiLanguage], { type: 'language' }).of(code) ?? code;
  return name.charAt(0).toLocaleUpperCase(uiLanguage) + name.slice(1);
}

export function languageOptions(uiLanguage: string) {
  return LANGUAGES.map((code) => ({ value: code, label: languageName(code, uiLanguage) }));
}

/** The UI language when it is one of ours, so a French user drafts in French by default. */
export function defaultLanguage(uiLanguage: string): string {
  const primary = uiLanguage.split('-')[0] ?? 'fr';
  return (LANGUAGES as readonly string[]).includes(primary) ? primary : 'fr';
}
