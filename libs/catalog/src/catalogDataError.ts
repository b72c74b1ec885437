/** Thrown when a catalog or department data file is malformed or inconsistent. */
export class CatalogDataError extends Error {
  override readonly name = "CatalogDataError";
}
