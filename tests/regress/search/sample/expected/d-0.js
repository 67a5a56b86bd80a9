morgueSearch.load("d-0",{"zd":"SrPtMcUiBkNXx1"});
