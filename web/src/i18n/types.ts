/** The shape of a translation object with every string widened, so another language can fill it. */
export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
