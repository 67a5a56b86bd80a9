morgueSearch.load("d-0",{"zd":"SrPrCrCub#"});
