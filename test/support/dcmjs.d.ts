/** The little of dcmjs 0.51 (no types shipped) that the tests use to write DICOM Part 10 files. */
declare module 'dcmjs' {
  interface DicomDict {
    dict: Record<string, unknown>;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    readonly data: {
      readonly DicomDict: new (meta: Record<string, unknown>) => DicomDict;
      readonly DicomMetaDictionary: {
        denaturalizeDataset(dataset: Record<string, unknown>): Record<string, unknown>;
        uid(): string;
      };
    };
  };
  export default dcmjs;
}
