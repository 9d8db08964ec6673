// Packages that ship no type declarations usable from ESM.
declare module 'asl-validator' {
  const validator: (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
  export default validator;
}
