import type { Actor } from "./actors";
import type { Bilingual } from "./bilingual";

/** Display names of the two sides (办理方名称). */
export const actorLabels: Readonly<Record<Actor, Bilingual>> = {
  receiving: { zh: "收件地", en: "receiving side" },
  home: { zh: "业务属地", en: "home authority" },
};
