import { homeDepartment, item } from "@tongban/catalog";
import type { CatalogPort } from "./domain/validateSubmission";

/** The catalog as intake sees it: item eligibility and the department handling it per city. */
export const catalogPort: CatalogPort = {
  item: (code) => item(code),
  homeDepartment: (code, nodeId) => homeDepartment(code, nodeId)?.code,
};
