import { handlingOf, homeDepartment, item } from "@tongban/catalog";
import type { CatalogPort } from "./domain/validateSubmission";

/** The catalog as intake sees it: item eligibility, the department handling it per city, and its legs if handled jointly. */
export const catalogPort: CatalogPort = {
  item: (code) => item(code),
  homeDepartment: (code, nodeId) => homeDepartment(code, nodeId)?.code,
  jointLegs: (code) => {
    const it = item(code);
    const h = it ? handlingOf(it) : undefined;
    return h?.kind === "joint" ? h.legs : undefined;
  },
};
