export { BATCHES, batchLabel, isBatch, type Batch, type BatchLabel } from "./batch";
export { byBatch, Catalog, defaultCatalog, item, items, loadCatalog } from "./catalog";
export { CatalogDataError } from "./catalogDataError";
export type { BatchInfo, CatalogData, CatalogItem, ItemRecord } from "./catalogItem";
export {
  DepartmentDirectory,
  loadDepartments,
  parseDepartmentData,
  type City,
  type Department,
  type DepartmentCode,
  type DepartmentData,
  type DepartmentKind,
} from "./departmentDirectory";
export { cities, defaultDepartments, departmentCode, departments, homeDepartment, registerCities } from "./departments";
export { isItemCode, itemCodeFor, type ItemCode } from "./itemCode";
export { derivedDepartmentCode, leadUnitDepartment } from "./leadUnitDepartment";
export { parseCatalogData } from "./parseCatalogData";
export { handlingOf, type Handling, type JointLeg, type LegRole } from "./jointHandling";
export { isPreReviewAllowed, preReviewRule } from "./preReview";
export { isRemoteReceiptEligible, remoteReceiptRule } from "./remoteReceipt";
export { mergeTimeLimits, STATUTORY_TIME_LIMITS, type TimeLimits, type TimeLimitsOverride } from "./statutoryTimeLimits";
export { timeLimits } from "./timeLimits";
