// download/exif_tag_table.h: the tag tables exif_tags.cpp names and prints EXIF tags with, as
// exifread 3.0 has them (its tags/exif.py): IFD0/EXIF/thumbnail tags, GPS and Interoperability.
// Names and value names are copied as facts, spelling and trailing spaces included ("invalid "),
// since img2dataset's `exif` field shows them. Internal to exif_tags.cpp (and exif_values.cpp,
// for value names); each table is sorted by id for a binary search (checked by a static_assert
// in exif_tags.cpp).
#pragma once

#include <cstdint>
#include <span>

namespace clipret::download::exif_table {

enum class TagFormat {
  kPlain,       // the values as exifread prints them
  kEnum,        // each value replaced by its name (ValueName), concatenated
  kMakeString,  // exifread's make_string: the values as characters
  kSubIfd,      // a pointer to a GPS or Interoperability IFD, which is read too
};

enum class SubIfd { kNone, kGps, kInterop };

struct ValueName {
  uint32_t value;
  const char* name;
};

struct TagInfo {
  uint16_t id;
  const char* name;
  TagFormat format = TagFormat::kPlain;
  std::span<const ValueName> names = {};
  SubIfd sub_ifd = SubIfd::kNone;
};

// clang-format off
inline constexpr ValueName kSubfileTypeNames[] = {
    {0, "Full-resolution Image"},
    {1, "Reduced-resolution image"},
    {2, "Single page of multi-page image"},
    {3, "Single page of multi-page reduced-resolution image"},
    {4, "Transparency mask"},
    {5, "Transparency mask of reduced-resolution image"},
    {6, "Transparency mask of multi-page image"},
    {7, "Transparency mask of reduced-resolution multi-page image"},
    {0x10001, "Alternate reduced-resolution image"},
    {0xffffffff, "invalid "},
};

inline constexpr ValueName kOldSubfileTypeNames[] = {
    {1, "Full-resolution image"},
    {2, "Reduced-resolution image"},
    {3, "Single page of multi-page image"},
};

inline constexpr ValueName kCompressionNames[] = {
    {1, "Uncompressed"},
    {2, "CCITT 1D"},
    {3, "T4/Group 3 Fax"},
    {4, "T6/Group 4 Fax"},
    {5, "LZW"},
    {6, "JPEG (old-style)"},
    {7, "JPEG"},
    {8, "Adobe Deflate"},
    {9, "JBIG B&W"},
    {0xa, "JBIG Color"},
    {0x7ffe, "Next"},
    {0x8001, "Epson ERF Compressed"},
    {0x8003, "CCIRLEW"},
    {0x8005, "PackBits"},
    {0x8029, "Thunderscan"},
    {0x807f, "IT8CTPAD"},
    {0x8080, "IT8LW"},
    {0x8081, "IT8MP"},
    {0x8082, "IT8BL"},
    {0x808c, "PixarFilm"},
    {0x808d, "PixarLog"},
    {0x80b2, "Deflate"},
    {0x80b3, "DCS"},
    {0x8765, "JBIG"},
    {0x8774, "SGILog"},
    {0x8775, "SGILog24"},
    {0x8798, "JPEG 2000"},
    {0x8799, "Nikon NEF Compressed"},
    {0xfde8, "Kodak DCR Compressed"},
    {0xffff, "Pentax PEF Compressed"},
};

inline constexpr ValueName kOrientationNames[] = {
    {1, "Horizontal (normal)"},
    {2, "Mirrored horizontal"},
    {3, "Rotated 180"},
    {4, "Mirrored vertical"},
    {5, "Mirrored horizontal then rotated 90 CCW"},
    {6, "Rotated 90 CW"},
    {7, "Mirrored horizontal then rotated 90 CW"},
    {8, "Rotated 90 CCW"},
};

inline constexpr ValueName kGrayResponseUnitNames[] = {
    {1, "0.1"},
    {2, "0.001"},
    {3, "0.0001"},
    {4, "1e-05"},
    {5, "1e-06"},
};

inline constexpr ValueName kResolutionUnitNames[] = {
    {1, "Not Absolute"},
    {2, "Pixels/Inch"},
    {3, "Pixels/Centimeter"},
};

inline constexpr ValueName kPredictorNames[] = {
    {1, "None"},
    {2, "Horizontal differencing"},
};

inline constexpr ValueName kCleanFaxDataNames[] = {
    {0, "Clean"},
    {1, "Regenerated"},
    {2, "Unclean"},
};

inline constexpr ValueName kInkSetNames[] = {
    {1, "CMYK"},
    {2, "Not CMYK"},
};

inline constexpr ValueName kExtraSamplesNames[] = {
    {0, "Unspecified"},
    {1, "Associated Alpha"},
    {2, "Unassociated Alpha"},
};

inline constexpr ValueName kSampleFormatNames[] = {
    {1, "Unsigned"},
    {2, "Signed"},
    {3, "Float"},
    {4, "Undefined"},
    {5, "Complex int"},
    {6, "Complex float"},
};

inline constexpr ValueName kYCbCrPositioningNames[] = {
    {1, "Centered"},
    {2, "Co-sited"},
};

inline constexpr ValueName kExposureProgramNames[] = {
    {0, "Unidentified"},
    {1, "Manual"},
    {2, "Program Normal"},
    {3, "Aperture Priority"},
    {4, "Shutter Priority"},
    {5, "Program Creative"},
    {6, "Program Action"},
    {7, "Portrait Mode"},
    {8, "Landscape Mode"},
};

inline constexpr ValueName kSensitivityTypeNames[] = {
    {0, "Unknown"},
    {1, "Standard Output Sensitivity"},
    {2, "Recommended Exposure Index"},
    {3, "ISO Speed"},
    {4, "Standard Output Sensitivity and Recommended Exposure Index"},
    {5, "Standard Output Sensitivity and ISO Speed"},
    {6, "Recommended Exposure Index and ISO Speed"},
    {7, "Standard Output Sensitivity, Recommended Exposure Index and ISO Speed"},
};

inline constexpr ValueName kComponentsConfigurationNames[] = {
    {0, ""},
    {1, "Y"},
    {2, "Cb"},
    {3, "Cr"},
    {4, "Red"},
    {5, "Green"},
    {6, "Blue"},
};

inline constexpr ValueName kMeteringModeNames[] = {
    {0, "Unidentified"},
    {1, "Average"},
    {2, "CenterWeightedAverage"},
    {3, "Spot"},
    {4, "MultiSpot"},
    {5, "Pattern"},
    {6, "Partial"},
    {0xff, "other"},
};

inline constexpr ValueName kLightSourceNames[] = {
    {0, "Unknown"},
    {1, "Daylight"},
    {2, "Fluorescent"},
    {3, "Tungsten (incandescent light)"},
    {4, "Flash"},
    {9, "Fine weather"},
    {0xa, "Cloudy weather"},
    {0xb, "Shade"},
    {0xc, "Daylight fluorescent (D 5700 - 7100K)"},
    {0xd, "Day white fluorescent (N 4600 - 5400K)"},
    {0xe, "Cool white fluorescent (W 3900 - 4500K)"},
    {0xf, "White fluorescent (WW 3200 - 3700K)"},
    {0x11, "Standard light A"},
    {0x12, "Standard light B"},
    {0x13, "Standard light C"},
    {0x14, "D55"},
    {0x15, "D65"},
    {0x16, "D75"},
    {0x17, "D50"},
    {0x18, "ISO studio tungsten"},
    {0xff, "other light source"},
};

inline constexpr ValueName kFlashNames[] = {
    {0, "Flash did not fire"},
    {1, "Flash fired"},
    {5, "Strobe return light not detected"},
    {7, "Strobe return light detected"},
    {9, "Flash fired, compulsory flash mode"},
    {0xd, "Flash fired, compulsory flash mode, return light not detected"},
    {0xf, "Flash fired, compulsory flash mode, return light detected"},
    {0x10, "Flash did not fire, compulsory flash mode"},
    {0x18, "Flash did not fire, auto mode"},
    {0x19, "Flash fired, auto mode"},
    {0x1d, "Flash fired, auto mode, return light not detected"},
    {0x1f, "Flash fired, auto mode, return light detected"},
    {0x20, "No flash function"},
    {0x41, "Flash fired, red-eye reduction mode"},
    {0x45, "Flash fired, red-eye reduction mode, return light not detected"},
    {0x47, "Flash fired, red-eye reduction mode, return light detected"},
    {0x49, "Flash fired, compulsory flash mode, red-eye reduction mode"},
    {0x4d, "Flash fired, compulsory flash mode, red-eye reduction mode, return light not detected"},
    {0x4f, "Flash fired, compulsory flash mode, red-eye reduction mode, return light detected"},
    {0x59, "Flash fired, auto mode, red-eye reduction mode"},
    {0x5d, "Flash fired, auto mode, return light not detected, red-eye reduction mode"},
    {0x5f, "Flash fired, auto mode, return light detected, red-eye reduction mode"},
};

inline constexpr ValueName kColorSpaceNames[] = {
    {1, "sRGB"},
    {2, "Adobe RGB"},
    {0xffff, "Uncalibrated"},
};

inline constexpr ValueName kSensingMethodNames[] = {
    {1, "Not defined"},
    {2, "One-chip color area"},
    {3, "Two-chip color area"},
    {4, "Three-chip color area"},
    {5, "Color sequential area"},
    {7, "Trilinear"},
    {8, "Color sequential linear"},
};

inline constexpr ValueName kFileSourceNames[] = {
    {1, "Film Scanner"},
    {2, "Reflection Print Scanner"},
    {3, "Digital Camera"},
};

inline constexpr ValueName kSceneTypeNames[] = {
    {1, "Directly Photographed"},
};

inline constexpr ValueName kCustomRenderedNames[] = {
    {0, "Normal"},
    {1, "Custom"},
};

inline constexpr ValueName kExposureModeNames[] = {
    {0, "Auto Exposure"},
    {1, "Manual Exposure"},
    {2, "Auto Bracket"},
};

inline constexpr ValueName kWhiteBalanceNames[] = {
    {0, "Auto"},
    {1, "Manual"},
};

inline constexpr ValueName kSceneCaptureTypeNames[] = {
    {0, "Standard"},
    {1, "Landscape"},
    {2, "Portrait"},
    {3, "Night"},
};

inline constexpr ValueName kGainControlNames[] = {
    {0, "None"},
    {1, "Low gain up"},
    {2, "High gain up"},
    {3, "Low gain down"},
    {4, "High gain down"},
};

inline constexpr ValueName kContrastNames[] = {
    {0, "Normal"},
    {1, "Soft"},
    {2, "Hard"},
};

inline constexpr ValueName kSaturationNames[] = {
    {0, "Normal"},
    {1, "Soft"},
    {2, "Hard"},
};

inline constexpr ValueName kSharpnessNames[] = {
    {0, "Normal"},
    {1, "Soft"},
    {2, "Hard"},
};

inline constexpr TagInfo kInteropTags[] = {
    {0x0001, "InteroperabilityIndex"},
    {0x0002, "InteroperabilityVersion"},
    {0x1000, "RelatedImageFileFormat"},
    {0x1001, "RelatedImageWidth"},
    {0x1002, "RelatedImageLength"},
};

inline constexpr TagInfo kGpsTags[] = {
    {0x0000, "GPSVersionID"},
    {0x0001, "GPSLatitudeRef"},
    {0x0002, "GPSLatitude"},
    {0x0003, "GPSLongitudeRef"},
    {0x0004, "GPSLongitude"},
    {0x0005, "GPSAltitudeRef"},
    {0x0006, "GPSAltitude"},
    {0x0007, "GPSTimeStamp"},
    {0x0008, "GPSSatellites"},
    {0x0009, "GPSStatus"},
    {0x000A, "GPSMeasureMode"},
    {0x000B, "GPSDOP"},
    {0x000C, "GPSSpeedRef"},
    {0x000D, "GPSSpeed"},
    {0x000E, "GPSTrackRef"},
    {0x000F, "GPSTrack"},
    {0x0010, "GPSImgDirectionRef"},
    {0x0011, "GPSImgDirection"},
    {0x0012, "GPSMapDatum"},
    {0x0013, "GPSDestLatitudeRef"},
    {0x0014, "GPSDestLatitude"},
    {0x0015, "GPSDestLongitudeRef"},
    {0x0016, "GPSDestLongitude"},
    {0x0017, "GPSDestBearingRef"},
    {0x0018, "GPSDestBearing"},
    {0x0019, "GPSDestDistanceRef"},
    {0x001A, "GPSDestDistance"},
    {0x001B, "GPSProcessingMethod"},
    {0x001C, "GPSAreaInformation"},
    {0x001D, "GPSDate"},
    {0x001E, "GPSDifferential"},
};

inline constexpr TagInfo kExifTags[] = {
    {0x00FE, "SubfileType", TagFormat::kEnum, kSubfileTypeNames},
    {0x00FF, "OldSubfileType", TagFormat::kEnum, kOldSubfileTypeNames},
    {0x0100, "ImageWidth"},
    {0x0101, "ImageLength"},
    {0x0102, "BitsPerSample"},
    {0x0103, "Compression", TagFormat::kEnum, kCompressionNames},
    {0x0106, "PhotometricInterpretation"},
    {0x0107, "Thresholding"},
    {0x0108, "CellWidth"},
    {0x0109, "CellLength"},
    {0x010A, "FillOrder"},
    {0x010D, "DocumentName"},
    {0x010E, "ImageDescription"},
    {0x010F, "Make"},
    {0x0110, "Model"},
    {0x0111, "StripOffsets"},
    {0x0112, "Orientation", TagFormat::kEnum, kOrientationNames},
    {0x0115, "SamplesPerPixel"},
    {0x0116, "RowsPerStrip"},
    {0x0117, "StripByteCounts"},
    {0x0118, "MinSampleValue"},
    {0x0119, "MaxSampleValue"},
    {0x011A, "XResolution"},
    {0x011B, "YResolution"},
    {0x011C, "PlanarConfiguration"},
    {0x011D, "PageName", TagFormat::kMakeString},
    {0x011E, "XPosition"},
    {0x011F, "YPosition"},
    {0x0122, "GrayResponseUnit", TagFormat::kEnum, kGrayResponseUnitNames},
    {0x0123, "GrayResponseCurve"},
    {0x0124, "T4Options"},
    {0x0125, "T6Options"},
    {0x0128, "ResolutionUnit", TagFormat::kEnum, kResolutionUnitNames},
    {0x0129, "PageNumber"},
    {0x012C, "ColorResponseUnit"},
    {0x012D, "TransferFunction"},
    {0x0131, "Software"},
    {0x0132, "DateTime"},
    {0x013B, "Artist"},
    {0x013C, "HostComputer"},
    {0x013D, "Predictor", TagFormat::kEnum, kPredictorNames},
    {0x013E, "WhitePoint"},
    {0x013F, "PrimaryChromaticities"},
    {0x0140, "ColorMap"},
    {0x0141, "HalftoneHints"},
    {0x0142, "TileWidth"},
    {0x0143, "TileLength"},
    {0x0144, "TileOffsets"},
    {0x0145, "TileByteCounts"},
    {0x0146, "BadFaxLines"},
    {0x0147, "CleanFaxData", TagFormat::kEnum, kCleanFaxDataNames},
    {0x0148, "ConsecutiveBadFaxLines"},
    {0x014A, "SubIFDs"},
    {0x014C, "InkSet", TagFormat::kEnum, kInkSetNames},
    {0x014D, "InkNames"},
    {0x014E, "NumberofInks"},
    {0x0150, "DotRange"},
    {0x0151, "TargetPrinter"},
    {0x0152, "ExtraSamples", TagFormat::kEnum, kExtraSamplesNames},
    {0x0153, "SampleFormat", TagFormat::kEnum, kSampleFormatNames},
    {0x0154, "SMinSampleValue"},
    {0x0155, "SMaxSampleValue"},
    {0x0156, "TransferRange"},
    {0x0157, "ClipPath"},
    {0x015B, "JPEGTables"},
    {0x0200, "JPEGProc"},
    {0x0201, "JPEGInterchangeFormat"},
    {0x0202, "JPEGInterchangeFormatLength"},
    {0x0211, "YCbCrCoefficients"},
    {0x0212, "YCbCrSubSampling"},
    {0x0213, "YCbCrPositioning", TagFormat::kEnum, kYCbCrPositioningNames},
    {0x0214, "ReferenceBlackWhite"},
    {0x02BC, "ApplicationNotes"},
    {0x4746, "Rating"},
    {0x828D, "CFARepeatPatternDim"},
    {0x828E, "CFAPattern"},
    {0x828F, "BatteryLevel"},
    {0x8298, "Copyright"},
    {0x829A, "ExposureTime"},
    {0x829D, "FNumber"},
    {0x83BB, "IPTC/NAA"},
    {0x8769, "ExifOffset"},
    {0x8773, "InterColorProfile"},
    {0x8822, "ExposureProgram", TagFormat::kEnum, kExposureProgramNames},
    {0x8824, "SpectralSensitivity"},
    {0x8825, "GPSInfo", TagFormat::kSubIfd, {}, SubIfd::kGps},
    {0x8827, "ISOSpeedRatings"},
    {0x8828, "OECF"},
    {0x8829, "Interlace"},
    {0x882A, "TimeZoneOffset"},
    {0x882B, "SelfTimerMode"},
    {0x8830, "SensitivityType", TagFormat::kEnum, kSensitivityTypeNames},
    {0x8832, "RecommendedExposureIndex"},
    {0x8833, "ISOSpeed"},
    {0x9000, "ExifVersion", TagFormat::kMakeString},
    {0x9003, "DateTimeOriginal"},
    {0x9004, "DateTimeDigitized"},
    {0x9010, "OffsetTime"},
    {0x9011, "OffsetTimeOriginal"},
    {0x9012, "OffsetTimeDigitized"},
    {0x9101, "ComponentsConfiguration", TagFormat::kEnum, kComponentsConfigurationNames},
    {0x9102, "CompressedBitsPerPixel"},
    {0x9201, "ShutterSpeedValue"},
    {0x9202, "ApertureValue"},
    {0x9203, "BrightnessValue"},
    {0x9204, "ExposureBiasValue"},
    {0x9205, "MaxApertureValue"},
    {0x9206, "SubjectDistance"},
    {0x9207, "MeteringMode", TagFormat::kEnum, kMeteringModeNames},
    {0x9208, "LightSource", TagFormat::kEnum, kLightSourceNames},
    {0x9209, "Flash", TagFormat::kEnum, kFlashNames},
    {0x920A, "FocalLength"},
    {0x920B, "FlashEnergy"},
    {0x920C, "SpatialFrequencyResponse"},
    {0x920D, "Noise"},
    {0x9211, "ImageNumber"},
    {0x9212, "SecurityClassification"},
    {0x9213, "ImageHistory"},
    {0x9214, "SubjectArea"},
    {0x9215, "ExposureIndex"},
    {0x9216, "TIFF/EPStandardID"},
    {0x927C, "MakerNote"},
    {0x9286, "UserComment", TagFormat::kMakeString},
    {0x9290, "SubSecTime"},
    {0x9291, "SubSecTimeOriginal"},
    {0x9292, "SubSecTimeDigitized"},
    {0x9C9B, "XPTitle"},
    {0x9C9C, "XPComment"},
    {0x9C9D, "XPAuthor", TagFormat::kMakeString},
    {0x9C9E, "XPKeywords"},
    {0x9C9F, "XPSubject"},
    {0xA000, "FlashPixVersion", TagFormat::kMakeString},
    {0xA001, "ColorSpace", TagFormat::kEnum, kColorSpaceNames},
    {0xA002, "ExifImageWidth"},
    {0xA003, "ExifImageLength"},
    {0xA004, "RelatedSoundFile"},
    {0xA005, "InteroperabilityOffset", TagFormat::kSubIfd, {}, SubIfd::kInterop},
    {0xA20B, "FlashEnergy"},
    {0xA20C, "SpatialFrequencyResponse"},
    {0xA20E, "FocalPlaneXResolution"},
    {0xA20F, "FocalPlaneYResolution"},
    {0xA210, "FocalPlaneResolutionUnit"},
    {0xA214, "SubjectLocation"},
    {0xA215, "ExposureIndex"},
    {0xA217, "SensingMethod", TagFormat::kEnum, kSensingMethodNames},
    {0xA300, "FileSource", TagFormat::kEnum, kFileSourceNames},
    {0xA301, "SceneType", TagFormat::kEnum, kSceneTypeNames},
    {0xA302, "CVAPattern"},
    {0xA401, "CustomRendered", TagFormat::kEnum, kCustomRenderedNames},
    {0xA402, "ExposureMode", TagFormat::kEnum, kExposureModeNames},
    {0xA403, "WhiteBalance", TagFormat::kEnum, kWhiteBalanceNames},
    {0xA404, "DigitalZoomRatio"},
    {0xA405, "FocalLengthIn35mmFilm"},
    {0xA406, "SceneCaptureType", TagFormat::kEnum, kSceneCaptureTypeNames},
    {0xA407, "GainControl", TagFormat::kEnum, kGainControlNames},
    {0xA408, "Contrast", TagFormat::kEnum, kContrastNames},
    {0xA409, "Saturation", TagFormat::kEnum, kSaturationNames},
    {0xA40A, "Sharpness", TagFormat::kEnum, kSharpnessNames},
    {0xA40B, "DeviceSettingDescription"},
    {0xA40C, "SubjectDistanceRange"},
    {0xA420, "ImageUniqueID"},
    {0xA430, "CameraOwnerName"},
    {0xA431, "BodySerialNumber"},
    {0xA432, "LensSpecification"},
    {0xA433, "LensMake"},
    {0xA434, "LensModel"},
    {0xA435, "LensSerialNumber"},
    {0xA500, "Gamma"},
    {0xC4A5, "PrintIM"},
    {0xC61A, "BlackLevel"},
    {0xEA1C, "Padding"},
    {0xEA1D, "OffsetSchema"},
    {0xFDE8, "OwnerName"},
    {0xFDE9, "SerialNumber"},
};
// clang-format on

}  // namespace clipret::download::exif_table
