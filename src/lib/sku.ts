/** What a SKU (a product's primary key, in URLs and QR codes) may be made of. */
export const SKU_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
