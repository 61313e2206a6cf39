import type { CategoryCatalog } from '../triage/category-catalog.ts';

/**
 * Categories whose captures may be indecent imagery of a child. PRODUCT.md: staff must
 * never view, copy, print, share, store or save such imagery, nor delete it — it goes to
 * the DSL and the police. So an export NEVER carries these captures (not in a bundle, not
 * in a PDF): only their sha256, size and a statement that the original is held under legal
 * hold; the export sets the legal hold. A fixed set named here (not a word-list column):
 * a school's custom word list must not be able to switch it off.
 */
export const possiblyIndecentCategories: ReadonlySet<string> = new Set(['sexual-content', 'grooming']);

/**
 * Whether an alert's capture may be indecent: one of the categories above, or a category
 * no longer in the word list (fail closed, as the catalog treats it as restricted).
 */
export function capturePossiblyIndecent(categoryId: string, catalog: CategoryCatalog): boolean {
  if (possiblyIndecentCategories.has(categoryId)) return true;
  return !catalog.categories.some((category) => category.id === categoryId);
}
