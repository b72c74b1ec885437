/**
 * The two sides of a cross-city case (收受分离):
 * - `receiving`: the window that takes the application (收件地);
 * - `home`: the authority competent for the item (业务属地).
 */
export const actors = ["receiving", "home"] as const;

export type Actor = (typeof actors)[number];
