/** A text a person reads, in Chinese (中文) and English. */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}
